import { useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { useCampaignPreview, type Campaign, type PreviewInput } from '../../api/campaigns';
import type { StepDraft } from './campaignDraft';
import { listContacts } from '../../api/contacts';
import { errorMessage } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import type { Contact } from '../../api/types';
import { useDebouncedValue } from '../../lib/useDebouncedValue';
import { Alert } from '../ui/Alert';
import { Card, CardBody, CardHeader } from '../ui/Card';
import { SelectField } from '../ui/Field';
import { SkeletonText } from '../ui/Skeleton';
import { Spinner } from '../ui/Spinner';

const CANDIDATES_PER_SOURCE = 20;
const MAX_SOURCES = 5;

/** Contacts to preview with: the first few of each list and segment in the (saved) audience. */
function useAudienceSample(workspaceId: string, campaign: Campaign): Contact[] {
  const sources = [
    ...campaign.audience.listIds.map((listId) => ({ listId })),
    ...campaign.audience.segmentIds.map((segmentId) => ({ segmentId })),
  ].slice(0, MAX_SOURCES);
  return useQueries({
    queries: sources.map((source) => ({
      queryKey: queryKeys.campaignPreviewContacts(workspaceId, source),
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        listContacts({ ...source, status: 'active', sort: 'email', order: 'asc', cursor: null, limit: CANDIDATES_PER_SOURCE }, signal).then((page) => page.items),
      staleTime: 60_000,
    })),
    combine: (results) => {
      const seen = new Map<string, Contact>();
      for (const result of results) for (const contact of result.data ?? []) if (contact.email && !seen.has(contact.id)) seen.set(contact.id, contact);
      return [...seen.values()];
    },
  });
}

function contactLabel(contact: Contact): string {
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  return name ? `${name} <${contact.email}>` : (contact.email ?? contact.id);
}

interface PreviewPaneProps {
  workspaceId: string;
  /** The saved campaign: recipients, variants and sender come from it; unsaved text from `draftSteps`. */
  campaign: Campaign;
  /** The form differs from the saved campaign. */
  dirty: boolean;
  /** The editor's steps: while they differ from the saved ones, their text is what gets previewed. */
  draftSteps: StepDraft[];
}

/** The text the editor holds for one step and variant, in the preview endpoint's `draft` shape. */
function draftOf(steps: StepDraft[], position: number, variantId: string | undefined): PreviewInput['draft'] {
  const step = steps[position - 1];
  const variant = step?.variants.find((v) => v.id === variantId) ?? step?.variants[0];
  if (!variant) return undefined;
  return { subject: variant.subject.trim() ? variant.subject : null, bodyText: variant.bodyText, bodyHtml: variant.htmlEnabled ? variant.bodyHtml : null };
}

export function PreviewPane({ workspaceId, campaign, dirty, draftSteps }: PreviewPaneProps) {
  const [stepPosition, setStepPosition] = useState(1);
  const [variantId, setVariantId] = useState('');
  const [contactId, setContactId] = useState('');
  const [view, setView] = useState<'text' | 'html'>('text');
  const contacts = useAudienceSample(workspaceId, campaign);

  const step = campaign.steps.find((s) => s.position === stepPosition) ?? campaign.steps[0];
  const variant = step?.variants.find((v) => v.id === variantId);
  const contact = contacts.find((c) => c.id === contactId);

  // Choices and typing settle before a request goes out: one render per pause, not per keystroke.
  const position = step?.position ?? 1;
  const wanted = JSON.stringify({ stepPosition: position, variantId: variant?.id, contactId: contact?.id, version: campaign.updatedAt, draft: dirty ? draftOf(draftSteps, position, variant?.id) : undefined });
  const requested = useDebouncedValue(wanted, 300);
  const input = JSON.parse(requested) as PreviewInput & { version: string };
  const preview = useCampaignPreview(workspaceId, campaign.id, input, step !== undefined);
  const settling = preview.isFetching || requested !== wanted;
  const result = preview.data;
  const to = contact?.email ?? contacts.find((c) => c.id === result?.contactId)?.email;

  return (
    <Card className="preview-card" aria-labelledby="preview-title">
      <CardHeader titleId="preview-title" title="Preview" description="Rendered by the server for one contact, exactly as it will be sent." />
      <CardBody className="preview-body">
        {campaign.steps.length === 0 ? (
          <p className="muted small">Save a step to preview it.</p>
        ) : (
          <>
            <div className="preview-controls">
              <SelectField
                label="Step"
                className="input-sm"
                value={String(step?.position ?? 1)}
                onChange={(event) => {
                  setStepPosition(Number(event.target.value));
                  setVariantId('');
                }}
                options={campaign.steps.map((s) => ({ value: String(s.position), label: s.position === 1 ? 'Step 1 · first email' : `Step ${s.position} · follow-up` }))}
              />
              {step && step.variants.length > 1 && (
                <SelectField
                  label="Variant"
                  className="input-sm"
                  value={variant?.id ?? ''}
                  onChange={(event) => setVariantId(event.target.value)}
                  options={[{ value: '', label: 'As picked for the contact' }, ...step.variants.map((v) => ({ value: v.id, label: `Variant ${v.label}` }))]}
                />
              )}
              <SelectField
                label="Preview as"
                className="input-sm"
                value={contact?.id ?? ''}
                onChange={(event) => setContactId(event.target.value)}
                hint={contacts.length === 0 ? 'Pick an audience to preview with real contacts; a sample contact is used meanwhile.' : undefined}
                options={[{ value: '', label: 'First contact in the audience' }, ...contacts.map((c) => ({ value: c.id, label: contactLabel(c) }))]}
              />
            </div>

            <div className="preview-message" aria-busy={settling || undefined}>
              {settling && (
                <span className="preview-updating">
                  <Spinner size="sm" />
                  <span className="visually-hidden">Updating preview</span>
                </span>
              )}
              {preview.isError && !result ? (
                <p className="field-error" role="alert">
                  Couldn't render the preview: {errorMessage(preview.error)}
                </p>
              ) : !result ? (
                <SkeletonText lines={5} />
              ) : (
                <>
                  {preview.isError && (
                    <p className="field-error" role="alert">
                      Couldn't update the preview: {errorMessage(preview.error)}
                    </p>
                  )}
                  <dl className="preview-headers">
                    <div>
                      <dt>To</dt>
                      <dd>{to ?? (result.contactId ? 'First contact in the audience' : 'alex@example.com (sample contact)')}</dd>
                    </div>
                    <div>
                      <dt>Subject</dt>
                      <dd className="preview-subject">{result.subject}</dd>
                    </div>
                  </dl>
                  {result.html !== null && (
                    <div className="segmented" role="group" aria-label="Preview format">
                      <button type="button" className="segmented-item" aria-pressed={view === 'text'} onClick={() => setView('text')}>
                        Plain text
                      </button>
                      <button type="button" className="segmented-item" aria-pressed={view === 'html'} onClick={() => setView('html')}>
                        HTML
                      </button>
                    </div>
                  )}
                  {view === 'html' && result.html !== null ? (
                    // Sandboxed without scripts: the HTML is the user's own, but it is still shown inert.
                    <iframe className="preview-html" title="HTML preview" sandbox="" srcDoc={result.html} />
                  ) : (
                    <div className="preview-text">{result.text}</div>
                  )}
                  {result.missingVariables.length > 0 && (
                    <Alert tone="warning" title="Missing values">
                      This contact has no value for {result.missingVariables.join(', ')}. Give the variable a default, e.g.{' '}
                      <code className="code-pill">{`{{ ${result.missingVariables[0]} | default: "…" }}`}</code>.
                    </Alert>
                  )}
                </>
              )}
            </div>
            <p className="muted small">The unsubscribe link and postal address footer are added when the email is sent.</p>
          </>
        )}
      </CardBody>
    </Card>
  );
}
