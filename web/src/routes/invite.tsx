import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { errorMessage, hasStatus } from '../api/errors';
import { useAcceptInvite, useInvitePreview } from '../api/invites';
import { meQueryOptions } from '../api/me';
import type { InvitePreview, User } from '../api/types';
import { useSwitchWorkspace } from '../api/workspaces';
import { AuthLayout } from '../components/layout/AuthLayout';
import { Alert } from '../components/ui/Alert';
import { RoleBadge } from '../components/ui/Badge';
import { Button, buttonClassName } from '../components/ui/Button';
import { Spinner } from '../components/ui/Spinner';
import { useToast } from '../components/ui/Toast';
import { formatDateTime } from '../lib/format';
import { roleDescription } from '../lib/permissions';

function InviteDetails({ invite }: { invite: InvitePreview }) {
  return (
    <dl className="details-list">
      <div>
        <dt>Workspace</dt>
        <dd>{invite.workspace.name}</dd>
      </div>
      <div>
        <dt>Role</dt>
        <dd>
          <RoleBadge role={invite.role} />
          <span className="details-note">{roleDescription[invite.role]}</span>
        </dd>
      </div>
      <div>
        <dt>Invited email</dt>
        <dd>{invite.email}</dd>
      </div>
      <div>
        <dt>Expires</dt>
        <dd>{formatDateTime(invite.expiresAt)}</dd>
      </div>
    </dl>
  );
}

function AcceptAsUser({ token, invite, user }: { token: string; invite: InvitePreview; user: User }) {
  const accept = useAcceptInvite();
  const switchWorkspace = useSwitchWorkspace();
  const navigate = useNavigate();
  const toast = useToast();
  const emailMismatch = user.email.toLowerCase() !== invite.email.toLowerCase();

  async function onAccept() {
    const { workspace } = await accept.mutateAsync(token);
    await switchWorkspace.mutateAsync(workspace.id);
    toast.success(`You joined ${workspace.name}`);
    await navigate({ to: '/', replace: true });
  }

  const error = accept.error ?? switchWorkspace.error;
  return (
    <div className="form">
      {emailMismatch && (
        <Alert tone="warning" title="This invite was sent to another address">
          You're logged in as {user.email}, but the invite is for {invite.email}. Log in with that address if accepting fails.
        </Alert>
      )}
      {error && <Alert tone="danger">{errorMessage(error)}</Alert>}
      <Button
        variant="primary"
        size="lg"
        fullWidth
        loading={accept.isPending || switchWorkspace.isPending}
        onClick={() => void onAccept().catch(() => undefined)}
      >
        Accept invite
      </Button>
      <p className="muted small center">Logged in as {user.email}</p>
    </div>
  );
}

function AcceptAsGuest({ invite }: { invite: InvitePreview }) {
  // Both paths come back here afterwards, so accepting is one click away.
  const next = `${window.location.pathname}${window.location.search}`;
  return (
    <div className="form">
      <p className="muted">Log in or create an account with {invite.email} to accept.</p>
      <Link to="/signup" search={{ next, email: invite.email }} className={buttonClassName('primary', 'lg', true)}>
        Sign up to accept
      </Link>
      <Link to="/login" search={{ next }} className={buttonClassName('secondary', 'lg', true)}>
        Log in to accept
      </Link>
    </div>
  );
}

function InviteBody({ token }: { token: string }) {
  const invite = useInvitePreview(token);
  // Being logged out is a normal state here, so /me failing with 401 just means "guest".
  const me = useQuery({ ...meQueryOptions, retry: false });

  if (invite.isPending || me.isPending) {
    return (
      <div className="centered-status">
        <Spinner size="lg" />
        <p>Loading invite…</p>
      </div>
    );
  }

  if (invite.isError) {
    const gone = hasStatus(invite.error, 404, 410);
    return (
      <div className="form">
        <Alert tone="danger" title={gone ? 'This invite is no longer valid' : "We couldn't load this invite"}>
          {gone
            ? 'It may have expired, been revoked or already been used. Ask the person who invited you for a new link.'
            : errorMessage(invite.error)}
        </Alert>
        <Link to="/" className={buttonClassName('secondary', 'lg', true)}>
          Go to MessageSender
        </Link>
      </div>
    );
  }

  const user = me.data?.user;
  return (
    <>
      <InviteDetails invite={invite.data} />
      {user ? <AcceptAsUser token={token} invite={invite.data} user={user} /> : <AcceptAsGuest invite={invite.data} />}
    </>
  );
}

export function InvitePage() {
  const { token } = useSearch({ from: '/invite' });
  return (
    <AuthLayout title="You're invited" subtitle="Join your team on MessageSender.">
      {token ? (
        <InviteBody token={token} />
      ) : (
        <Alert tone="danger" title="This invite link is incomplete">
          Open the link from the invitation email again.
        </Alert>
      )}
    </AuthLayout>
  );
}
