import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { errorMessage, hasStatus } from '../api/errors';
import { useImport } from '../api/imports';
import { useContactFields } from '../api/lists';
import { useWorkspace } from '../api/me';
import { queryKeys } from '../api/queryKeys';
import type { ContactImport, ContactImportReport } from '../api/types';
import { MappingStep } from '../components/imports/MappingStep';
import { ProgressStep } from '../components/imports/ProgressStep';
import { RecentImports } from '../components/imports/RecentImports';
import { ReportStep } from '../components/imports/ReportStep';
import { UploadStep } from '../components/imports/UploadStep';
import { PageHeader } from '../components/layout/PageHeader';
import { Alert } from '../components/ui/Alert';
import { Button } from '../components/ui/Button';
import { Card, CardBody } from '../components/ui/Card';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { SkeletonText } from '../components/ui/Skeleton';
import { Steps } from '../components/ui/Steps';

const STEPS = ['Upload', 'Map columns', 'Import', 'Report'];

type Phase = 'upload' | 'loading' | 'error' | 'mapping' | 'progress' | 'report' | 'failed';

const stepOf: Record<Phase, number> = { upload: 0, loading: 1, error: 1, mapping: 1, progress: 2, failed: 2, report: 3 };

export function ContactImportPage() {
  const { id: workspaceId } = useWorkspace();
  const { id } = useSearch({ from: '/app/contacts/import' });
  const navigate = useNavigate({ from: '/contacts/import' });
  const queryClient = useQueryClient();
  const imp = useImport(workspaceId, id);
  const fields = useContactFields(workspaceId);
  // After a failed run, "Try again" reopens the mapping for the same upload.
  const [retryingId, setRetryingId] = useState<string | null>(null);

  const status = imp.data?.status;
  const phase: Phase = !id
    ? 'upload'
    : imp.isPending
      ? 'loading'
      : imp.isError
        ? 'error'
        : status === 'uploaded' || (status === 'failed' && retryingId === id)
          ? 'mapping'
          : status === 'failed'
            ? 'failed'
            : status === 'completed'
              ? 'report'
              : 'progress';

  function seed(next: ContactImport) {
    queryClient.setQueryData<ContactImportReport>(queryKeys.contactImport(workspaceId, next.id), (current) => ({
      issues: [],
      issuesTotal: 0,
      ...current,
      ...next,
    }));
  }

  function onUploaded(uploaded: ContactImport) {
    seed(uploaded);
    void queryClient.invalidateQueries({ queryKey: queryKeys.contactImports(workspaceId) });
    void navigate({ search: { id: uploaded.id } });
  }

  function onStarted(started: ContactImport) {
    seed(started);
    setRetryingId(null);
  }

  function startOver() {
    setRetryingId(null);
    void navigate({ search: {} });
  }

  return (
    <div className="page">
      <Link to="/contacts" className="back-link">
        <span aria-hidden="true">←</span> Contacts
      </Link>
      <PageHeader title="Import contacts" description="Bring people in from a CSV export of your CRM, spreadsheet or another tool." />
      <Steps label="Import steps" steps={STEPS} current={stepOf[phase]} />

      {phase === 'upload' && (
        <div className="stack">
          <UploadStep onUploaded={onUploaded} />
          <RecentImports workspaceId={workspaceId} />
        </div>
      )}

      {phase === 'loading' && (
        <Card aria-label="Loading import">
          <CardBody className="card-body-padded">
            <SkeletonText lines={5} />
          </CardBody>
        </Card>
      )}

      {phase === 'error' && (
        <Card>
          {hasStatus(imp.error, 404) ? (
            <EmptyState
              icon="fileText"
              title="This import no longer exists"
              description="It may have been discarded. Upload the file again to import it."
              action={
                <Button variant="primary" icon="upload" onClick={startOver}>
                  Upload a file
                </Button>
              }
            />
          ) : (
            <ErrorState title="Couldn't load the import" error={imp.error} onRetry={() => void imp.refetch()} retrying={imp.isFetching} />
          )}
        </Card>
      )}

      {phase === 'mapping' && imp.data && (
        <MappingStep
          key={imp.data.id}
          workspaceId={workspaceId}
          imp={imp.data}
          fields={fields.data ?? []}
          fieldsError={fields.isError ? errorMessage(fields.error) : null}
          onStarted={onStarted}
          onChooseAnotherFile={startOver}
        />
      )}

      {phase === 'progress' && imp.data && <ProgressStep workspaceId={workspaceId} imp={imp.data} />}

      {phase === 'failed' && imp.data && (
        <Alert
          tone="danger"
          title="The import failed; nothing was imported"
          action={
            <Button size="sm" onClick={() => setRetryingId(imp.data.id)}>
              Try again
            </Button>
          }
        >
          <p>{imp.data.error ?? 'The import stopped on an error.'}</p>
          <p className="alert-secondary">
            Check the mapping and options, or{' '}
            <button type="button" className="link-button" onClick={startOver}>
              upload a corrected file
            </button>
            .
          </p>
        </Alert>
      )}

      {phase === 'report' && imp.data && <ReportStep imp={imp.data} onImportAnother={startOver} />}
    </div>
  );
}
