import { Link } from '@tanstack/react-router';
import { hasStatus } from '../api/errors';
import { useSession, useWorkspace } from '../api/me';
import { useBroadcasts } from '../api/messenger';
import { audienceName, broadcastStatusLabel, broadcastStatusTone } from '../components/broadcasts/broadcastDisplay';
import { MessengerUnavailable } from '../components/facebook-pages/MessengerUnavailable';
import { PageHeader } from '../components/layout/PageHeader';
import { Badge } from '../components/ui/Badge';
import { buttonClassName } from '../components/ui/Button';
import { Card } from '../components/ui/Card';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { Icon } from '../components/ui/Icon';
import { LoadMoreFooter } from '../components/ui/LoadMore';
import { Table, TableSkeleton } from '../components/ui/Table';
import { formatDateTime } from '../lib/format';
import { permissions } from '../lib/permissions';

const PAGE_SIZE = 25;
const description = "Messenger messages to a segment or list of a page's subscribers, within Messenger's 24-hour rule.";

export function BroadcastsPage() {
  const { me } = useSession();
  const { id: workspaceId, role } = useWorkspace();
  const pages = useBroadcasts(workspaceId, PAGE_SIZE);
  const broadcasts = pages.data?.pages.flatMap((page) => page.items) ?? [];
  const canSend = permissions.sendBroadcasts(role);

  if (!me.features.messenger || hasStatus(pages.error, 503)) {
    return (
      <div className="page">
        <PageHeader title="Broadcasts" description={description} />
        <MessengerUnavailable />
      </div>
    );
  }

  const newButton = canSend && (
    <Link to="/broadcasts/new" className={buttonClassName('primary')}>
      <Icon name="plus" />
      <span>New broadcast</span>
    </Link>
  );

  return (
    <div className="page">
      <PageHeader title="Broadcasts" description={description} actions={newButton} />
      <Card aria-label="Broadcasts">
        {pages.isPending ? (
          <TableSkeleton columns={6} rows={3} label="Loading broadcasts" />
        ) : pages.isError && broadcasts.length === 0 ? (
          <ErrorState title="Couldn't load broadcasts" error={pages.error} onRetry={() => void pages.refetch()} retrying={pages.isFetching} />
        ) : broadcasts.length === 0 ? (
          <EmptyState
            icon="send"
            title="No broadcasts yet"
            description="Send one message to the Messenger subscribers of a page in a segment or list. People who wrote to the page in the last 24 hours get it; others only with a message tag."
            action={newButton}
          />
        ) : (
          <>
            <Table aria-label="Broadcasts list">
              <thead>
                <tr>
                  <th scope="col">Message</th>
                  <th scope="col">Page and audience</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="cell-number">
                    Sent
                  </th>
                  <th scope="col" className="cell-number">
                    Skipped
                  </th>
                  <th scope="col" className="cell-number">
                    Failed
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {broadcasts.map((b) => (
                  <tr key={b.id}>
                    <td>
                      <Link to="/broadcasts/$broadcastId" params={{ broadcastId: b.id }} className="strong">
                        {b.text.length > 60 ? `${b.text.slice(0, 60)}…` : b.text}
                      </Link>
                    </td>
                    <td>
                      <div className="cell-stack">
                        <span>{b.page.name}</span>
                        <span className="muted small">{audienceName(b)}</span>
                      </div>
                    </td>
                    <td>
                      <Badge tone={b.pausedReason ? 'warning' : broadcastStatusTone[b.status]} dot>
                        {b.pausedReason ? 'Waiting' : broadcastStatusLabel[b.status]}
                      </Badge>
                    </td>
                    <td className="cell-number">{b.counts.sent.toLocaleString()}</td>
                    <td className="cell-number">{b.counts.skipped.toLocaleString()}</td>
                    <td className="cell-number">{b.counts.failed.toLocaleString()}</td>
                    <td className="muted nowrap">{formatDateTime(b.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <LoadMoreFooter
              summary={`Showing ${broadcasts.length.toLocaleString()}`}
              query={pages}
            />
          </>
        )}
      </Card>
    </div>
  );
}
