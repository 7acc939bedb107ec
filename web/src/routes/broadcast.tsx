import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { hasStatus } from '../api/errors';
import { useSession, useWorkspace } from '../api/me';
import { isLive, useBroadcast, type Broadcast } from '../api/messenger';
import { audienceName, broadcastStatusLabel, broadcastStatusTone, doneCount, tagLabel } from '../components/broadcasts/broadcastDisplay';
import { RecipientsPanel } from '../components/broadcasts/RecipientsPanel';
import { StatCard } from '../components/dashboard/StatCard';
import { MessengerUnavailable } from '../components/facebook-pages/MessengerUnavailable';
import { PageHeader } from '../components/layout/PageHeader';
import { Alert } from '../components/ui/Alert';
import { Badge } from '../components/ui/Badge';
import { Button, buttonClassName } from '../components/ui/Button';
import { Card, CardBody, CardHeader } from '../components/ui/Card';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { ProgressBar } from '../components/ui/ProgressBar';
import { SkeletonText } from '../components/ui/Skeleton';
import { Spinner } from '../components/ui/Spinner';
import { formatDateTime } from '../lib/format';

function BackLink() {
  return (
    <Link to="/broadcasts" className="back-link">
      <span aria-hidden="true">←</span> Broadcasts
    </Link>
  );
}

function Summary({ broadcast, live, fetching, onShowSkipped }: { broadcast: Broadcast; live: boolean; fetching: boolean; onShowSkipped: () => void }) {
  const c = broadcast.counts;
  const done = doneCount(c);
  const waiting = c.pending + c.sending;
  return (
    <section className="stack" aria-label="Broadcast progress">
      {broadcast.pausedReason && (
        <Alert
          tone="warning"
          title="Sending is waiting"
          action={
            broadcast.page.status === 'reconnect_needed' && (
              <Link to="/pages" className={buttonClassName('secondary', 'sm')}>
                Reconnect the page
              </Link>
            )
          }
        >
          {broadcast.pausedReason}
        </Alert>
      )}
      <div className="progress-summary">
        <ProgressBar
          label={live ? 'Sending' : 'Done'}
          percent={c.recipients > 0 ? (done / c.recipients) * 100 : 0}
          valueText={`${done.toLocaleString()} of ${c.recipients.toLocaleString()} recipients done`}
          tone={broadcast.status === 'finished' ? 'success' : 'accent'}
        />
        <p className="muted small" role="status">
          {c.sent.toLocaleString()} sent · {c.skipped.toLocaleString()} skipped · {c.failed.toLocaleString()} failed
          {waiting > 0 && ` · ${waiting.toLocaleString()} waiting`}
          {live && (
            <>
              {' · '}
              <span className="live-note">
                {fetching && <Spinner size="sm" />}
                paced under the page's rate, updates every few seconds
              </span>
            </>
          )}
        </p>
      </div>
      <div className="metric-grid">
        <StatCard label="Recipients" icon="contacts" value={c.recipients.toLocaleString()} footer={<span className="muted">Subscribers in the audience</span>} />
        <StatCard label="Sent" icon="send" value={c.sent.toLocaleString()} footer={<span className="muted">Accepted by Messenger</span>} />
        <StatCard
          label="Skipped"
          icon="chevronRight"
          value={c.skipped.toLocaleString()}
          footer={
            c.skipped > 0 ? (
              <Button size="sm" variant="ghost" onClick={onShowSkipped}>
                See who and why
              </Button>
            ) : (
              <span className="muted">Outside the 24-hour window</span>
            )
          }
        />
        <StatCard label="Failed" icon="xCircle" value={c.failed.toLocaleString()} footer={<span className="muted">Refused by Messenger</span>} />
        <StatCard label="Waiting" icon="activity" value={waiting.toLocaleString()} footer={<span className="muted">Still to send</span>} />
      </div>
    </section>
  );
}

export function BroadcastPage() {
  const { me } = useSession();
  const { id: workspaceId } = useWorkspace();
  const { broadcastId } = useParams({ from: '/app/broadcasts/$broadcastId' });
  const search = useSearch({ from: '/app/broadcasts/$broadcastId' });
  const navigate = useNavigate({ from: '/broadcasts/$broadcastId' });
  const broadcast = useBroadcast(workspaceId, broadcastId);
  const setStatus = (status: typeof search.status) => void navigate({ search: status ? { status } : {}, replace: true });

  if (!me.features.messenger || hasStatus(broadcast.error, 503)) {
    return (
      <div className="page">
        <BackLink />
        <PageHeader title="Broadcast" />
        <MessengerUnavailable />
      </div>
    );
  }
  if (broadcast.isPending) {
    return (
      <div className="page">
        <BackLink />
        <Card aria-label="Loading the broadcast">
          <SkeletonText lines={6} />
        </Card>
      </div>
    );
  }
  if (broadcast.isError) {
    return (
      <div className="page">
        <BackLink />
        <Card>
          {hasStatus(broadcast.error, 404) ? (
            <EmptyState icon="search" title="Broadcast not found" description="It may belong to another workspace." />
          ) : (
            <ErrorState title="Couldn't load the broadcast" error={broadcast.error} onRetry={() => void broadcast.refetch()} retrying={broadcast.isFetching} />
          )}
        </Card>
      </div>
    );
  }

  const b = broadcast.data;
  const live = isLive(b);
  return (
    <div className="page">
      <BackLink />
      <PageHeader
        title="Broadcast"
        description={`${b.page.name} · ${audienceName(b)} · created ${formatDateTime(b.createdAt)}`}
        actions={
          <Badge tone={b.pausedReason ? 'warning' : broadcastStatusTone[b.status]} dot>
            {b.pausedReason ? 'Waiting' : broadcastStatusLabel[b.status]}
          </Badge>
        }
      />
      <div className="stack">
        <Summary broadcast={b} live={live && !b.pausedReason} fetching={broadcast.isFetching} onShowSkipped={() => setStatus('skipped')} />
        <Card aria-labelledby="message-title">
          <CardHeader
            titleId="message-title"
            title="Message"
            description={b.tag ? `Tag: ${tagLabel[b.tag]} — for people outside the 24-hour window.` : 'No tag: only people inside the 24-hour window get it.'}
          />
          <CardBody>
            <p className="preview-text">{b.text}</p>
          </CardBody>
        </Card>
        <RecipientsPanel workspaceId={workspaceId} broadcast={b} live={live} status={search.status} onStatusChange={setStatus} />
      </div>
    </div>
  );
}
