import { Link, useNavigate } from '@tanstack/react-router';
import { useLayoutEffect, useRef } from 'react';
import { useContactFields, useLists, useSegments } from '../../api/lists';
import { BROADCAST_TAGS, useCreateBroadcast, type BroadcastTag, type ConnectedPage } from '../../api/messenger';
import { useForm } from '../../lib/useForm';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card, CardBody, CardFooter } from '../ui/Card';
import { SelectField, TextareaField } from '../ui/Field';
import { RadioGroup } from '../ui/RadioGroup';
import { VariablePicker, type SourceVariables } from '../campaigns/VariablePicker';
import { tagLabel, tagUse } from './broadcastDisplay';

/** A broadcast renders with the contact's variables plus the page's name. */
const PAGE: SourceVariables = { label: 'Page', variables: [{ name: 'page_name', label: 'Page name' }] };

/** Messenger's longest text message. */
const MAX_TEXT = 2000;

type Values = { pageId: string; source: string; segmentId: string; listId: string; text: string; tag: string };

interface BroadcastComposerProps {
  workspaceId: string;
  /** Pages that can send now (active). */
  pages: ConnectedPage[];
}

export function BroadcastComposer({ workspaceId, pages }: BroadcastComposerProps) {
  const lists = useLists(workspaceId);
  const segments = useSegments(workspaceId);
  const customFields = useContactFields(workspaceId);
  const create = useCreateBroadcast(workspaceId);
  const navigate = useNavigate();
  const textRef = useRef<HTMLTextAreaElement>(null);
  const caret = useRef<number | null>(null);

  const form = useForm<Values>({
    initialValues: { pageId: pages[0]?.id ?? '', source: 'segment', segmentId: '', listId: '', text: '', tag: '' },
    validate: (v) => ({
      pageId: v.pageId ? undefined : 'Choose the page that sends it.',
      segmentId: v.source === 'segment' && !v.segmentId ? 'Choose a segment.' : undefined,
      listId: v.source === 'list' && !v.listId ? 'Choose a list.' : undefined,
      text: !v.text.trim() ? 'Write the message.' : v.text.length > MAX_TEXT ? `Messenger allows at most ${MAX_TEXT} characters.` : undefined,
    }),
    onSubmit: async (v) => {
      const broadcast = await create.mutateAsync({
        pageId: v.pageId,
        ...(v.source === 'segment' ? { segmentId: v.segmentId } : { listId: v.listId }),
        text: v.text,
        tag: (v.tag || null) as BroadcastTag | null,
      });
      void navigate({ to: '/broadcasts/$broadcastId', params: { broadcastId: broadcast.id } });
    },
  });

  useLayoutEffect(() => {
    if (caret.current === null) return;
    const at = caret.current;
    caret.current = null;
    textRef.current?.focus();
    textRef.current?.setSelectionRange(at, at);
  });

  function insert(token: string) {
    const value = form.values.text;
    const element = textRef.current;
    const start = Math.min(element?.selectionStart ?? value.length, value.length);
    const end = Math.min(element?.selectionEnd ?? value.length, value.length);
    caret.current = start + token.length;
    form.setValue('text', value.slice(0, start) + token + value.slice(end));
  }

  const tag = form.values.tag as BroadcastTag | '';
  const sourceOptions = form.values.source === 'segment'
    ? [{ value: '', label: segments.isPending ? 'Loading segments…' : 'Choose a segment' }, ...(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))]
    : [{ value: '', label: lists.isPending ? 'Loading lists…' : 'Choose a list' }, ...(lists.data ?? []).map((l) => ({ value: l.id, label: `${l.name} (${l.contactCount.toLocaleString()})` }))];

  return (
    <Card aria-label="New broadcast">
      <form onSubmit={(event) => void form.handleSubmit(event)} noValidate>
        <CardBody className="stack">
          <Alert tone="info" title="Who gets it">
            Messenger lets a page message people only within 24 hours of their last message to it. Those people get this broadcast; everyone else in the
            audience is skipped and listed with the reason — unless you choose a message tag below and the message is the kind of update the tag is for.
          </Alert>
          <SelectField label="Page" {...form.field('pageId')} options={pages.map((p) => ({ value: p.id, label: p.name }))} />
          <RadioGroup
            legend="Audience"
            value={form.values.source as 'segment' | 'list'}
            onChange={(value) => form.setValue('source', value)}
            layout="cards"
            options={[
              { value: 'segment', label: 'A segment', description: 'Contacts matching a saved filter.' },
              { value: 'list', label: 'A list', description: 'Everyone on a list.' },
            ]}
          />
          {form.values.source === 'segment' ? (
            <SelectField
              label="Segment"
              {...form.field('segmentId')}
              options={sourceOptions}
              hint={segments.data?.length === 0 ? <Link to="/segments/new">Create a segment</Link> : 'Only its Messenger subscribers of the chosen page are messaged.'}
            />
          ) : (
            <SelectField
              label="List"
              {...form.field('listId')}
              options={sourceOptions}
              hint={lists.data?.length === 0 ? <Link to="/lists">Create a list</Link> : 'Only its Messenger subscribers of the chosen page are messaged.'}
            />
          )}
          <TextareaField
            ref={textRef}
            label="Message"
            rows={6}
            {...form.field('text')}
            labelAside={<span className={form.values.text.length > MAX_TEXT ? 'field-error small' : 'muted small'}>{`${form.values.text.length.toLocaleString()} / ${MAX_TEXT.toLocaleString()}`}</span>}
            hint={
              <>
                Personalised per person, like email: <code className="code-pill">{'{{ first_name | default: "there" }}'}</code>. Spintax{' '}
                <code className="code-pill">{'{Hi|Hello}'}</code> picks one wording per contact.
              </>
            }
          />
          <div className="template-tools">
            <VariablePicker customFields={customFields.data ?? []} onInsert={insert} source={PAGE} />
          </div>
          <SelectField
            label="Message tag (optional)"
            {...form.field('tag')}
            options={[{ value: '', label: 'No tag — only people inside the 24-hour window' }, ...BROADCAST_TAGS.map((t) => ({ value: t, label: tagLabel[t] }))]}
            hint={
              tag
                ? `${tagUse[tag]} People outside the window get it with this tag. Facebook forbids promotional content (offers, sales, news) with any tag and may restrict the page for it.`
                : 'People who last wrote to the page more than 24 hours ago are skipped.'
            }
          />
          {form.formError && (
            <Alert tone="danger" title="Couldn't send the broadcast">
              {form.formError}
            </Alert>
          )}
        </CardBody>
        <CardFooter>
          <Button type="submit" variant="primary" icon="send" loading={create.isPending}>
            Send broadcast
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
