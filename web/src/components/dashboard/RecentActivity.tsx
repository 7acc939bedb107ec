import { Link } from '@tanstack/react-router';
import { useAuditLog } from '../../api/auditLog';
import { formatDateTime, formatRelative } from '../../lib/format';
import { describeAction, describeTarget } from '../audit/describeAction';
import { Avatar } from '../ui/Avatar';
import { Card, CardBody, CardHeader } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { ErrorState } from '../ui/ErrorState';
import { SkeletonText } from '../ui/Skeleton';

const RECENT_COUNT = 6;

export function RecentActivity({ workspaceId }: { workspaceId: string }) {
  const log = useAuditLog(workspaceId, RECENT_COUNT);
  const entries = log.data?.pages[0]?.items ?? [];

  return (
    <Card aria-labelledby="recent-activity-title">
      <CardHeader
        titleId="recent-activity-title"
        title="Recent activity"
        description="Latest actions in this workspace."
        actions={
          <Link to="/audit-log" className="link-subtle">
            View all
          </Link>
        }
      />
      <CardBody>
        {log.isPending ? (
          <SkeletonText lines={4} />
        ) : log.isError ? (
          <ErrorState title="Couldn't load activity" error={log.error} onRetry={() => void log.refetch()} retrying={log.isFetching} />
        ) : entries.length === 0 ? (
          <EmptyState compact icon="activity" title="No activity yet" description="Actions like invites and new API keys show up here." />
        ) : (
          <ul className="activity-list">
            {entries.map((entry) => {
              const who = entry.actor ? entry.actor.name || entry.actor.email : entry.apiKeyId ? 'API key' : 'System';
              return (
                <li key={entry.id} className="activity-item">
                  <Avatar name={who} seed={entry.actor?.id} size="sm" />
                  <div className="activity-text">
                    <p>
                      <strong>{who}</strong> <span className="muted">·</span> {describeAction(entry.action)}
                    </p>
                    <p className="muted small">
                      {describeTarget(entry.targetType, entry.targetId)} ·{' '}
                      <time dateTime={entry.createdAt} title={formatDateTime(entry.createdAt)}>
                        {formatRelative(entry.createdAt)}
                      </time>
                    </p>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
