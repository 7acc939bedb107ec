import { useEffect, useRef } from 'react';
import { useImportFinished, useJob } from '../../api/imports';
import type { ContactImport } from '../../api/types';
import { Card, CardBody, CardHeader } from '../ui/Card';
import { ErrorState } from '../ui/ErrorState';
import { ProgressBar } from '../ui/ProgressBar';

/** Polls the import's background job every second and hands over to the report when it ends. */
export function ProgressStep({ workspaceId, imp }: { workspaceId: string; imp: ContactImport }) {
  const job = useJob(workspaceId, imp.taskId);
  const onFinished = useImportFinished(workspaceId);
  const finished = useRef(onFinished);
  useEffect(() => {
    finished.current = onFinished;
  });
  const status = job.data?.status;

  useEffect(() => {
    if (status === 'completed' || status === 'failed') void finished.current(imp.id);
  }, [status, imp.id]);

  const progress = job.data?.progress;
  const total = progress?.total ?? null;
  const done = progress?.done ?? 0;
  const known = status === 'completed' ? 100 : status === 'running' && total !== null ? (progress?.percent ?? 0) : null;
  const valueText =
    status === 'completed'
      ? 'Finishing up…'
      : status === 'running' && total !== null
        ? `${done.toLocaleString()} of ${total.toLocaleString()} rows`
        : status === 'running'
          ? 'Checking the file…'
          : 'Waiting to start…';

  return (
    <Card aria-labelledby="progress-title">
      <CardHeader
        titleId="progress-title"
        title={`Importing ${imp.filename}`}
        description="Rows are checked, staged and then added in one go, so a failed import leaves nothing half-done."
      />
      <CardBody className="form">
        {job.isError && !job.data ? (
          <ErrorState title="Couldn't read the import's progress" error={job.error} onRetry={() => void job.refetch()} retrying={job.isFetching} />
        ) : (
          <>
            <ProgressBar label="Import progress" percent={known} valueText={valueText} />
            <p className="muted small" aria-live="polite">
              {valueText} You can leave this page: the import keeps running, and this address shows its report when it's done.
            </p>
          </>
        )}
      </CardBody>
    </Card>
  );
}
