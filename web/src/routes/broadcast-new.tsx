import { Link } from '@tanstack/react-router';
import { hasStatus } from '../api/errors';
import { useSession, useWorkspace } from '../api/me';
import { useConnectedPages } from '../api/messenger';
import { BroadcastComposer } from '../components/broadcasts/BroadcastComposer';
import { MessengerUnavailable } from '../components/facebook-pages/MessengerUnavailable';
import { PageHeader } from '../components/layout/PageHeader';
import { Alert } from '../components/ui/Alert';
import { buttonClassName } from '../components/ui/Button';
import { Card } from '../components/ui/Card';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { SkeletonText } from '../components/ui/Skeleton';

const description = 'One Messenger message to the subscribers of a page in a segment or list.';

export function NewBroadcastPage() {
  const { me } = useSession();
  const { id: workspaceId } = useWorkspace();
  const pages = useConnectedPages(workspaceId);
  const active = pages.data?.filter((p) => p.status === 'active') ?? [];
  const waiting = pages.data?.filter((p) => p.status === 'reconnect_needed') ?? [];

  const back = (
    <Link to="/broadcasts" className="back-link">
      <span aria-hidden="true">←</span> Broadcasts
    </Link>
  );
  if (!me.features.messenger || hasStatus(pages.error, 503)) {
    return (
      <div className="page">
        {back}
        <PageHeader title="New broadcast" description={description} />
        <MessengerUnavailable />
      </div>
    );
  }

  return (
    <div className="page page-narrow">
      {back}
      <PageHeader title="New broadcast" description={description} />
      {waiting.length > 0 && (
        <div className="senders-banner">
          <Alert
            tone="warning"
            title={`${waiting.map((p) => p.name).join(', ')} ${waiting.length === 1 ? 'needs' : 'need'} reconnecting before ${waiting.length === 1 ? 'it' : 'they'} can send`}
            action={
              <Link to="/pages" className={buttonClassName('secondary', 'sm')}>
                Facebook pages
              </Link>
            }
          />
        </div>
      )}
      {pages.isPending ? (
        <Card>
          <SkeletonText lines={6} />
        </Card>
      ) : pages.isError ? (
        <Card>
          <ErrorState title="Couldn't load pages" error={pages.error} onRetry={() => void pages.refetch()} retrying={pages.isFetching} />
        </Card>
      ) : active.length === 0 ? (
        <Card>
          <EmptyState
            icon="globe"
            title="No page can send"
            description="Connect a Facebook page first: people who message it become its subscribers, and a broadcast goes to them."
            action={
              <Link to="/pages" className={buttonClassName('primary')}>
                Facebook pages
              </Link>
            }
          />
        </Card>
      ) : (
        <BroadcastComposer workspaceId={workspaceId} pages={active} />
      )}
    </div>
  );
}
