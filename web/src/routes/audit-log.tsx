import { useAuditLog } from '../api/auditLog';
import { errorMessage } from '../api/errors';
import { useWorkspace } from '../api/me';
import { AuditTable } from '../components/audit/AuditTable';
import { PageHeader } from '../components/layout/PageHeader';
import { Button } from '../components/ui/Button';
import { Card, CardFooter } from '../components/ui/Card';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { TableSkeleton } from '../components/ui/Table';
import { permissions } from '../lib/permissions';

const PAGE_SIZE = 50;

function AuditLogContent({ workspaceId, workspaceName }: { workspaceId: string; workspaceName: string }) {
  const log = useAuditLog(workspaceId, PAGE_SIZE);
  const entries = log.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="page">
      <PageHeader title="Audit log" description={`Who did what in ${workspaceName}, newest first.`} />
      <Card aria-label="Audit log">
        {log.isPending ? (
          <TableSkeleton columns={5} rows={6} label="Loading audit log" />
        ) : !log.data ? (
          <ErrorState title="Couldn't load the audit log" error={log.error} onRetry={() => void log.refetch()} retrying={log.isFetching} />
        ) : entries.length === 0 ? (
          <EmptyState icon="activity" title="No activity yet" description="Sign-ins, invites, role changes and API key events are recorded here." />
        ) : (
          <>
            <AuditTable entries={entries} />
            <CardFooter className="audit-footer">
              <span className="muted small">{entries.length} entries shown</span>
              {log.hasNextPage ? (
                <Button onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
                  Load more
                </Button>
              ) : (
                <span className="muted small">You've reached the oldest entry.</span>
              )}
            </CardFooter>
            {log.isFetchNextPageError && (
              <p className="field-error audit-more-error" role="alert">
                Couldn't load more entries: {errorMessage(log.error)}
              </p>
            )}
          </>
        )}
      </Card>
    </div>
  );
}

export function AuditLogPage() {
  const { id, name, role } = useWorkspace();
  if (!permissions.readAuditLog(role)) {
    return (
      <div className="page">
        <PageHeader title="Audit log" />
        <EmptyState icon="lock" title="Only owners and admins can read the audit log" />
      </div>
    );
  }
  return <AuditLogContent workspaceId={id} workspaceName={name} />;
}
