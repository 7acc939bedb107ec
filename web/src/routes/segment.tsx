import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useKnownTags } from '../api/contacts';
import { errorMessage, hasStatus, isApiError } from '../api/errors';
import { useContactFields, useDeleteSegment, useLists, useSaveSegment, useSegment, useSegmentPreview } from '../api/lists';
import { useWorkspace } from '../api/me';
import type { Segment } from '../api/types';
import { PageHeader } from '../components/layout/PageHeader';
import { ConditionBuilder, type BuilderContext } from '../components/segments/ConditionBuilder';
import { compileFilter, filterToDrafts, uidForPath, type ConditionDraft } from '../components/segments/conditionModel';
import { Alert } from '../components/ui/Alert';
import { Button, buttonClassName } from '../components/ui/Button';
import { Card, CardBody, CardFooter, CardHeader } from '../components/ui/Card';
import { ConfirmDialog } from '../components/ui/ConfirmDialog';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { TextField } from '../components/ui/Field';
import { Icon } from '../components/ui/Icon';
import { SkeletonText } from '../components/ui/Skeleton';
import { Spinner } from '../components/ui/Spinner';
import { useToast } from '../components/ui/Toast';
import { useDebouncedValue } from '../lib/useDebouncedValue';

function BackLink() {
  return (
    <Link to="/lists" search={{ tab: 'segments' }} className="back-link">
      <span aria-hidden="true">←</span> Lists & segments
    </Link>
  );
}

function LiveCount({ workspaceId, filterJson, incomplete }: { workspaceId: string; filterJson: string; incomplete: number }) {
  const debounced = useDebouncedValue(filterJson, 400);
  const preview = useSegmentPreview(workspaceId, JSON.parse(debounced));
  const settling = debounced !== filterJson || preview.isFetching;
  const count = preview.data;

  return (
    <Card className="segment-count-card" aria-labelledby="segment-count-title">
      <CardHeader titleId="segment-count-title" title="Audience" />
      <CardBody>
        <div className="segment-count" role="status" aria-live="polite" aria-busy={settling || undefined}>
          {count === undefined ? (
            preview.isError ? (
              <span className="segment-count-error">Couldn't count: {errorMessage(preview.error)}</span>
            ) : (
              <span className="segment-count-pending">
                <Spinner size="sm" /> Counting…
              </span>
            )
          ) : (
            <p className="segment-count-text">
              <strong className="segment-count-number">{count.toLocaleString()}</strong> {count === 1 ? 'contact matches' : 'contacts match'}
            </p>
          )}
          {settling && count !== undefined && (
            <span className="segment-count-updating">
              <Spinner size="sm" />
              <span className="visually-hidden">Updating</span>
            </span>
          )}
        </div>
        {preview.isError && count !== undefined && <p className="field-error">Couldn't update the count: {errorMessage(preview.error)}</p>}
        <p className="muted small segment-count-note">
          {incomplete > 0
            ? `${incomplete === 1 ? 'One condition is' : `${incomplete} conditions are`} incomplete and not counted yet.`
            : 'Counted live as you edit. Segments are re-evaluated whenever they are used.'}
        </p>
      </CardBody>
    </Card>
  );
}

function SegmentEditor({ workspaceId, segment }: { workspaceId: string; segment: Segment | null }) {
  const fields = useContactFields(workspaceId);
  const lists = useLists(workspaceId);
  const tags = useKnownTags(workspaceId);
  const save = useSaveSegment(workspaceId, segment?.id ?? null);
  const remove = useDeleteSegment(workspaceId);
  const navigate = useNavigate();
  const toast = useToast();

  const [name, setName] = useState(segment?.name ?? '');
  const [match, setMatch] = useState<'all' | 'any'>(segment?.filter.match ?? 'all');
  const [drafts, setDrafts] = useState<ConditionDraft[]>(() => (segment ? filterToDrafts(segment.filter) : []));
  const [submitted, setSubmitted] = useState(false);
  const [nameError, setNameError] = useState<string | undefined>();
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);

  const customFields = useMemo(() => fields.data ?? [], [fields.data]);
  const compiled = useMemo(() => compileFilter(match, drafts, customFields), [match, drafts, customFields]);
  const incomplete = Object.keys(compiled.errors).length;
  const clientNameError = submitted && !name.trim() ? 'Give the segment a name.' : undefined;

  const ctx: BuilderContext = {
    fields: customFields,
    lists: lists.data ?? [],
    tags: tags.data ?? [],
    errors: { ...compiled.errors, ...serverErrors },
    showErrors: submitted || Object.keys(serverErrors).length > 0,
    disabled: save.isPending,
  };

  function changeDrafts(next: ConditionDraft[]) {
    setDrafts(next);
    setServerErrors({});
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setFormError(null);
    if (!name.trim() || incomplete > 0) return;
    try {
      const saved = await save.mutateAsync({ name: name.trim(), filter: compiled.filter });
      const size = saved.contactCount ?? 0;
      toast.success(segment ? 'Segment saved' : `Created ${saved.name}`, `It includes ${size.toLocaleString()} ${size === 1 ? 'contact' : 'contacts'} right now.`);
      await navigate({ to: '/lists', search: { tab: 'segments' } });
    } catch (error) {
      if (isApiError(error) && error.fieldErrors.length > 0) {
        const rows: Record<string, string> = {};
        const other: string[] = [];
        for (const { field, message } of error.fieldErrors) {
          if (field === 'name') setNameError(`Name ${message}.`);
          else {
            const uid = field.startsWith('filter.conditions') ? uidForPath(field, drafts) : null;
            if (uid) rows[uid] = `This condition ${message}.`;
            else other.push(message);
          }
        }
        setServerErrors(rows);
        setFormError(other.length > 0 ? `${errorMessage(error)} ${other.join('; ')}.` : Object.keys(rows).length > 0 ? 'Some conditions need another look.' : null);
      } else {
        setFormError(errorMessage(error));
      }
    }
  }

  function confirmDelete() {
    if (!segment) return;
    remove.mutate(segment.id, {
      onSuccess: async () => {
        setDeleting(false);
        await navigate({ to: '/lists', search: { tab: 'segments' } });
        toast.success(`Deleted ${segment.name}`);
      },
      onError: (error) => {
        setDeleting(false);
        toast.error("Couldn't delete the segment", errorMessage(error));
      },
    });
  }

  return (
    <div className="page">
      <BackLink />
      <PageHeader
        title={segment ? segment.name : 'New segment'}
        documentTitle={segment ? `Segment: ${segment.name}` : 'New segment'}
        description="A saved filter: contacts who match it when it's used, not a fixed list."
        actions={
          segment && (
            <Link to="/contacts" search={{ segmentId: segment.id }} className={buttonClassName('secondary')}>
              <Icon name="contacts" />
              <span>View contacts</span>
            </Link>
          )
        }
      />
      <form className="segment-layout" onSubmit={(event) => void submit(event)} noValidate>
        <div className="stack">
          {formError && (
            <Alert tone="danger" title="The segment wasn't saved">
              {formError}
            </Alert>
          )}
          {submitted && incomplete > 0 && (
            <Alert tone="danger">
              {incomplete === 1 ? 'One condition is incomplete.' : `${incomplete} conditions are incomplete.`} Fill it in or remove it before saving.
            </Alert>
          )}
          <Card aria-labelledby="segment-name-title">
            <CardHeader titleId="segment-name-title" title="Name" />
            <CardBody>
              <TextField
                label="Segment name"
                placeholder="Engaged leads"
                maxLength={200}
                autoComplete="off"
                value={name}
                error={clientNameError ?? nameError}
                onChange={(event) => {
                  setName(event.target.value);
                  setNameError(undefined);
                }}
              />
            </CardBody>
          </Card>
          <Card aria-labelledby="segment-rules-title">
            <CardHeader
              titleId="segment-rules-title"
              title="Conditions"
              description="Combine contact fields, tags, dates, custom fields, engagement and list membership."
            />
            <CardBody>
              {fields.isError && <Alert tone="warning">Custom fields couldn't be loaded; rules on them may show as unknown.</Alert>}
              <ConditionBuilder match={match} onMatchChange={setMatch} drafts={drafts} onChange={changeDrafts} ctx={ctx} />
            </CardBody>
            <CardFooter className="segment-footer">
              {segment ? (
                <Button variant="ghost" icon="trash" className="btn-danger-ghost" onClick={() => setDeleting(true)} disabled={save.isPending}>
                  Delete
                </Button>
              ) : (
                <span />
              )}
              <div className="form-actions">
                <Link to="/lists" search={{ tab: 'segments' }} className={buttonClassName('secondary')}>
                  Cancel
                </Link>
                <Button type="submit" variant="primary" loading={save.isPending}>
                  Save
                </Button>
              </div>
            </CardFooter>
          </Card>
        </div>
        <aside className="segment-aside">
          <LiveCount workspaceId={workspaceId} filterJson={JSON.stringify(compiled.filter)} incomplete={incomplete} />
        </aside>
      </form>
      <ConfirmDialog
        open={deleting}
        title={`Delete ${segment?.name ?? 'segment'}?`}
        description="The saved filter goes away; no contacts are deleted."
        confirmLabel="Delete segment"
        pending={remove.isPending}
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(false)}
      />
    </div>
  );
}

export function NewSegmentPage() {
  const { id } = useWorkspace();
  return <SegmentEditor workspaceId={id} segment={null} />;
}

export function SegmentPage() {
  const { segmentId } = useParams({ from: '/app/segments/$segmentId' });
  const { id: workspaceId } = useWorkspace();
  const segment = useSegment(workspaceId, segmentId);

  if (segment.isPending) {
    return (
      <div className="page">
        <BackLink />
        <Card aria-label="Loading segment">
          <CardBody className="card-body-padded">
            <SkeletonText lines={6} />
          </CardBody>
        </Card>
      </div>
    );
  }
  if (segment.isError) {
    return (
      <div className="page">
        <BackLink />
        <Card>
          {hasStatus(segment.error, 404) ? (
            <EmptyState icon="filter" title="Segment not found" description="It may have been deleted." />
          ) : (
            <ErrorState title="Couldn't load the segment" error={segment.error} onRetry={() => void segment.refetch()} retrying={segment.isFetching} />
          )}
        </Card>
      </div>
    );
  }
  return <SegmentEditor key={segment.data.id} workspaceId={workspaceId} segment={segment.data} />;
}
