import { useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/errors';
import { useWorkspace } from '../api/me';
import { startOAuthConnect, useDeleteSender, usePauseSender, useResumeSender, useSenders, type Sender } from '../api/senders';
import { PageHeader } from '../components/layout/PageHeader';
import { AddAccountMenu, ConnectOptions } from '../components/senders/AddAccountMenu';
import { AddSmtpSenderDialog } from '../components/senders/AddSmtpSenderDialog';
import { DomainCheckDialog } from '../components/senders/DomainCheckDialog';
import { pluralAccounts, providerOf } from '../components/senders/senderDisplay';
import { SenderList, type SenderAction } from '../components/senders/SenderList';
import { SenderSettingsDialog } from '../components/senders/SenderSettingsDialog';
import { TestConnectionDialog } from '../components/senders/TestConnectionDialog';
import { TestSendDialog } from '../components/senders/TestSendDialog';
import { Alert } from '../components/ui/Alert';
import { Button } from '../components/ui/Button';
import { Card, CardHeader } from '../components/ui/Card';
import { ConfirmDialog } from '../components/ui/ConfirmDialog';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { TableSkeleton } from '../components/ui/Table';
import { useToast } from '../components/ui/Toast';
import { permissions } from '../lib/permissions';

const description = 'The mailboxes campaigns send from. Each one keeps its own daily limit, pace and warm-up.';

type Open =
  | { kind: 'add' }
  | { kind: 'test'; sender: Sender; intro?: string }
  | { kind: 'testSend'; sender: Sender }
  | { kind: 'domain'; sender: Sender }
  | { kind: 'settings'; sender: Sender; reconnect?: boolean }
  | { kind: 'remove'; sender: Sender }
  | null;

/** Shows the outcome of a Gmail / Microsoft 365 sign-in once, then removes it from the URL. */
function useOAuthReturn(senders: Sender[] | undefined) {
  const search = useSearch({ from: '/app/senders' });
  const navigate = useNavigate();
  const toast = useToast();
  const handled = useRef<string | null>(null);
  const { connected, reconnected, error, message } = search;

  useEffect(() => {
    if (!connected && !reconnected && !error) return;
    // Wait for the list so the toast can name the mailbox (it's at most one extra render).
    if ((connected || reconnected) && !senders) return;
    const key = JSON.stringify(search);
    if (handled.current === key) return;
    handled.current = key;
    if (error) {
      toast.error("Couldn't connect the mailbox", message ?? `The provider answered “${error}”.`);
    } else {
      const id = connected ?? reconnected;
      const email = senders?.find((s) => s.id === id)?.email;
      toast.success(
        connected ? `Connected ${email ?? 'the mailbox'}` : `Reconnected ${email ?? 'the mailbox'}`,
        connected ? 'It can send as soon as a campaign uses it.' : 'Sending picks up where it stopped.',
      );
    }
    void navigate({ to: '/senders', search: {}, replace: true });
  }, [connected, reconnected, error, message, search, senders, navigate, toast]);
}

export function SendersPage() {
  const { id: workspaceId, role, user } = useWorkspace();
  const senders = useSenders(workspaceId);
  const pause = usePauseSender(workspaceId);
  const resume = useResumeSender(workspaceId);
  const remove = useDeleteSender(workspaceId);
  const toast = useToast();
  const [open, setOpen] = useState<Open>(null);
  const canManage = permissions.manageSenders(role);
  useOAuthReturn(senders.data);

  const needReconnect = senders.data?.filter((s) => s.status === 'reconnect_needed') ?? [];
  const busyId = pause.isPending ? pause.variables : resume.isPending ? resume.variables : null;

  function reconnect(sender: Sender) {
    const provider = providerOf(sender.kind);
    if (provider) startOAuthConnect(provider);
    else setOpen({ kind: 'settings', sender, reconnect: true });
  }

  function onAction(action: SenderAction, sender: Sender) {
    switch (action) {
      case 'test':
        setOpen({ kind: 'test', sender });
        break;
      case 'testSend':
        setOpen({ kind: 'testSend', sender });
        break;
      case 'domain':
        setOpen({ kind: 'domain', sender });
        break;
      case 'settings':
        setOpen({ kind: 'settings', sender });
        break;
      case 'reconnect':
        reconnect(sender);
        break;
      case 'remove':
        setOpen({ kind: 'remove', sender });
        break;
      case 'pause':
        pause.mutate(sender.id, {
          onSuccess: () => toast.success(`Paused ${sender.email}`, 'No emails are sent from it until you resume.'),
          onError: (error) => toast.error(`Couldn't pause ${sender.email}`, errorMessage(error)),
        });
        break;
      case 'resume':
        resume.mutate(sender.id, {
          onSuccess: () => toast.success(`Resumed ${sender.email}`),
          onError: (error) => toast.error(`Couldn't resume ${sender.email}`, errorMessage(error)),
        });
        break;
    }
  }

  function confirmRemove() {
    if (open?.kind !== 'remove') return;
    const { sender } = open;
    remove.mutate(sender.id, {
      onSuccess: () => toast.success(`Removed ${sender.email}`, 'Its credentials were deleted.'),
      onError: (error) => toast.error(`Couldn't remove ${sender.email}`, errorMessage(error)),
      onSettled: () => setOpen(null),
    });
  }

  const addSmtp = () => setOpen({ kind: 'add' });
  const count = senders.data?.length;

  return (
    <div className="page">
      <PageHeader title="Sending accounts" description={description} actions={canManage && <AddAccountMenu onSmtp={addSmtp} />} />

      {needReconnect.length > 0 && (
        <div className="senders-banner">
        <Alert tone="warning" title={`${pluralAccounts(needReconnect.length)} need${needReconnect.length === 1 ? 's' : ''} to be reconnected`}>
          <p>Nothing is sent from {needReconnect.length === 1 ? 'it' : 'them'} until the login is renewed.</p>
          <ul className="reconnect-list">
            {needReconnect.map((sender) => (
              <li key={sender.id}>
                <span className="reconnect-text">
                  <span className="strong">{sender.email}</span>
                  {sender.statusReason && <span className="muted"> — {sender.statusReason}</span>}
                </span>
                {canManage && (
                  <Button size="sm" icon="refresh" onClick={() => reconnect(sender)} aria-label={`Reconnect ${sender.email}`}>
                    Reconnect
                  </Button>
                )}
              </li>
            ))}
          </ul>
          {!canManage && <p>Ask an owner or admin of this workspace to reconnect them.</p>}
        </Alert>
        </div>
      )}

      <Card className="senders-card" aria-labelledby="senders-title">
        <CardHeader
          titleId="senders-title"
          title="Accounts"
          description={count === undefined ? 'Mailboxes connected to this workspace.' : `${pluralAccounts(count)} connected`}
        />
        {senders.isPending ? (
          <TableSkeleton columns={4} rows={3} label="Loading sending accounts" />
        ) : senders.isError ? (
          <ErrorState title="Couldn't load sending accounts" error={senders.error} onRetry={() => void senders.refetch()} retrying={senders.isFetching} />
        ) : senders.data.length === 0 ? (
          <EmptyState
            icon="send"
            title="No sending accounts yet"
            description={
              canManage
                ? 'Connect the mailbox your campaigns will send from. Replies and bounces are read from it too.'
                : 'Ask an owner or admin of this workspace to connect a mailbox.'
            }
            action={canManage && <ConnectOptions onSmtp={addSmtp} />}
          />
        ) : (
          <SenderList senders={senders.data} canManage={canManage} busyId={busyId} onAction={onAction} />
        )}
      </Card>
      {canManage && (
        <p className="page-footnote muted">
          Connect Gmail and Connect Microsoft 365 need the server to be set up with GOOGLE_CLIENT_ID / MICROSOFT_CLIENT_ID (and their
          secrets). Without them, use SMTP / IMAP with an app password.
        </p>
      )}

      {open?.kind === 'add' && (
        <AddSmtpSenderDialog
          workspaceId={workspaceId}
          onClose={() => setOpen(null)}
          onCreated={(sender) => setOpen({ kind: 'test', sender, intro: `Connected ${sender.email}. Checking that it can log in…` })}
        />
      )}
      {open?.kind === 'test' && <TestConnectionDialog workspaceId={workspaceId} sender={open.sender} intro={open.intro} onClose={() => setOpen(null)} />}
      {open?.kind === 'testSend' && <TestSendDialog workspaceId={workspaceId} sender={open.sender} defaultTo={user.email} onClose={() => setOpen(null)} />}
      {open?.kind === 'domain' && <DomainCheckDialog workspaceId={workspaceId} sender={open.sender} onClose={() => setOpen(null)} />}
      {open?.kind === 'settings' && (
        <SenderSettingsDialog
          workspaceId={workspaceId}
          sender={open.sender}
          reconnect={open.reconnect}
          onClose={() => setOpen(null)}
          onSaved={(sender, credentialsChanged) => {
            if (credentialsChanged) setOpen({ kind: 'test', sender, intro: 'Saved. Testing the new login…' });
            else {
              setOpen(null);
              toast.success(`Saved settings for ${sender.email}`);
            }
          }}
        />
      )}
      <ConfirmDialog
        open={open?.kind === 'remove'}
        title={`Remove ${open?.kind === 'remove' ? open.sender.email : 'account'}?`}
        description="Nothing more is sent from this mailbox and its saved credentials are deleted. You can connect it again later."
        confirmLabel="Remove account"
        pending={remove.isPending}
        onConfirm={confirmRemove}
        onCancel={() => setOpen(null)}
      />
    </div>
  );
}
