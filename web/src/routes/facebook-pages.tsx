import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { errorMessage, hasStatus } from '../api/errors';
import { useSession, useWorkspace } from '../api/me';
import { startFacebookConnect, useConnectedPages, useDisconnectPage, type ConnectedPage } from '../api/messenger';
import { PageHeader } from '../components/layout/PageHeader';
import { MessengerUnavailable } from '../components/facebook-pages/MessengerUnavailable';
import { PageTable } from '../components/facebook-pages/PageTable';
import { Alert } from '../components/ui/Alert';
import { Button, buttonClassName } from '../components/ui/Button';
import { Card, CardHeader } from '../components/ui/Card';
import { ConfirmDialog } from '../components/ui/ConfirmDialog';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { TableSkeleton } from '../components/ui/Table';
import { useToast } from '../components/ui/Toast';
import { pluralize } from '../lib/format';
import { permissions } from '../lib/permissions';

const description = 'Pages whose Messenger conversations land in the inbox and which can send broadcasts to their subscribers.';

const plural = (n: number) => pluralize(n, 'page');

/** Shows the outcome of Facebook Login once, then removes it from the URL. */
function useConnectReturn() {
  const search = useSearch({ from: '/app/pages' });
  const navigate = useNavigate();
  const toast = useToast();
  const handled = useRef<string | null>(null);

  useEffect(() => {
    const { connected, failed, skipped, limited, error, message } = search;
    if (connected === undefined && !error) return;
    const key = JSON.stringify(search);
    if (handled.current === key) return;
    handled.current = key;
    if (error) {
      toast.error("Couldn't connect Facebook pages", message ?? `Facebook answered “${error}”.`);
    } else {
      const n = Number(connected ?? 0);
      const notes = [
        failed && `${plural(Number(failed))} could not be subscribed to messages`,
        skipped && `${plural(Number(skipped))} skipped (no permission to send messages from ${Number(skipped) === 1 ? 'it' : 'them'})`,
        limited && `${plural(Number(limited))} left out: your plan's page limit is reached`,
      ].filter(Boolean);
      const title = n > 0 ? `Connected ${plural(n)}` : 'No pages were connected';
      if (n > 0 && notes.length === 0) toast.success(title, 'New Messenger conversations appear in the inbox.');
      else toast.error(title, notes.join('; ') || 'Facebook returned no page you manage with messaging access.');
    }
    // Facebook appends #_=_ to every Login redirect; neither it nor the outcome should stay in the URL.
    void navigate({ to: '/pages', search: {}, hash: '', replace: true });
  }, [search, navigate, toast]);
}

export function FacebookPagesPage() {
  const { me } = useSession();
  const { id: workspaceId, role } = useWorkspace();
  const pages = useConnectedPages(workspaceId);
  const disconnect = useDisconnectPage(workspaceId);
  const toast = useToast();
  const [removing, setRemoving] = useState<ConnectedPage | null>(null);
  const [connecting, setConnecting] = useState(false);
  const canManage = permissions.managePages(role);
  useConnectReturn();

  if (!me.features.messenger || hasStatus(pages.error, 503)) {
    return (
      <div className="page">
        <PageHeader title="Facebook pages" description={description} />
        <MessengerUnavailable />
      </div>
    );
  }

  async function connect() {
    setConnecting(true);
    try {
      await startFacebookConnect();
    } catch (error) {
      setConnecting(false);
      toast.error("Couldn't start Facebook Login", errorMessage(error));
    }
  }

  function confirmDisconnect() {
    if (!removing) return;
    const page = removing;
    disconnect.mutate(page.id, {
      onSuccess: () => toast.success(`Disconnected ${page.name}`, 'Its conversations stay in the inbox; nothing more is received or sent.'),
      onError: (error) => toast.error(`Couldn't disconnect ${page.name}`, errorMessage(error)),
      onSettled: () => setRemoving(null),
    });
  }

  const needReconnect = pages.data?.filter((p) => p.status === 'reconnect_needed') ?? [];
  const connectButton = canManage && (
    <Button variant="primary" icon="plus" onClick={() => void connect()} loading={connecting}>
      Connect Facebook Pages
    </Button>
  );

  return (
    <div className="page">
      <PageHeader
        title="Facebook pages"
        description={description}
        actions={
          <>
            <Link to="/broadcasts" className={buttonClassName('secondary')}>
              Broadcasts
            </Link>
            {connectButton}
          </>
        }
      />

      {needReconnect.length > 0 && (
        <div className="senders-banner">
          <Alert
            tone="warning"
            title={`${plural(needReconnect.length)} need${needReconnect.length === 1 ? 's' : ''} to be reconnected`}
            action={
              canManage && (
                <Button size="sm" icon="refresh" onClick={() => void connect()} loading={connecting}>
                  Reconnect
                </Button>
              )
            }
          >
            <p>Facebook no longer accepts this app's access: nothing is received or sent, and broadcasts from {needReconnect.length === 1 ? 'it' : 'them'} wait.</p>
            <ul className="reconnect-list">
              {needReconnect.map((page) => (
                <li key={page.id}>
                  <span className="reconnect-text">
                    <span className="strong">{page.name}</span>
                    {page.statusReason && <span className="muted"> — {page.statusReason}</span>}
                  </span>
                </li>
              ))}
            </ul>
            {canManage ? <p>Reconnecting signs in to Facebook again; broadcasts that were waiting go on by themselves.</p> : <p>Ask an owner or admin of this workspace to reconnect.</p>}
          </Alert>
        </div>
      )}

      <Card aria-labelledby="pages-title">
        <CardHeader titleId="pages-title" title="Pages" description={pages.data ? `${plural(pages.data.length)} connected` : 'Pages connected to this workspace.'} />
        {pages.isPending ? (
          <TableSkeleton columns={4} rows={2} label="Loading pages" />
        ) : pages.isError ? (
          <ErrorState title="Couldn't load pages" error={pages.error} onRetry={() => void pages.refetch()} retrying={pages.isFetching} />
        ) : pages.data.length === 0 ? (
          <EmptyState
            icon="globe"
            title="No Facebook pages yet"
            description={
              canManage
                ? 'Sign in with Facebook and pick the pages to connect. People who message them become contacts and their conversations appear in the inbox.'
                : 'Ask an owner or admin of this workspace to connect a page.'
            }
            action={connectButton}
          />
        ) : (
          <PageTable pages={pages.data} canManage={canManage} onReconnect={() => void connect()} onDisconnect={setRemoving} />
        )}
      </Card>

      <ConfirmDialog
        open={removing !== null}
        title={`Disconnect ${removing?.name ?? 'page'}?`}
        description="Its access token is deleted and no more messages are received from it or sent. Its conversations and broadcasts stay. You can connect it again later."
        confirmLabel="Disconnect page"
        pending={disconnect.isPending}
        onConfirm={confirmDisconnect}
        onCancel={() => setRemoving(null)}
      />
    </div>
  );
}
