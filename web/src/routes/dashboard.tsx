import { Link } from '@tanstack/react-router';
import { useApiKeys } from '../api/apiKeys';
import { useInvites } from '../api/invites';
import { useWorkspace } from '../api/me';
import { useMembers } from '../api/members';
import { GettingStarted, type ChecklistItem } from '../components/dashboard/GettingStarted';
import { RecentActivity } from '../components/dashboard/RecentActivity';
import { StatCard } from '../components/dashboard/StatCard';
import { PageHeader } from '../components/layout/PageHeader';
import { RoleBadge } from '../components/ui/Badge';
import { firstName, pluralize } from '../lib/format';
import { permissions, roleDescription } from '../lib/permissions';

export function DashboardPage() {
  const { id: workspaceId, name: workspaceName, role, user } = useWorkspace();
  const canInvite = permissions.invite(role);
  const canManageKeys = permissions.manageApiKeys(role);

  const members = useMembers(workspaceId);
  const invites = useInvites(workspaceId, canInvite);
  const apiKeys = useApiKeys(workspaceId, canManageKeys);

  const activeKeys = apiKeys.data?.filter((key) => !key.revokedAt).length ?? 0;
  const pendingInvites = invites.data?.length ?? 0;

  // Only steps this role can actually complete are listed.
  const checklist: ChecklistItem[] = [
    {
      id: 'verify',
      title: 'Verify your email',
      description: user.emailVerified ? `${user.email} is confirmed.` : `Open the link we sent to ${user.email}.`,
      done: user.emailVerified,
    },
  ];
  if (canInvite) {
    checklist.push({
      id: 'invite',
      title: 'Invite a teammate',
      description: 'Outreach goes faster together. Invites are sent by email.',
      done: (members.data?.length ?? 0) > 1 || pendingInvites > 0,
      to: '/team',
      actionLabel: 'Invite',
    });
  }
  if (canManageKeys) {
    checklist.push({
      id: 'api-key',
      title: 'Create an API key',
      description: 'Connect your CRM or scripts to MessageSender.',
      done: (apiKeys.data?.length ?? 0) > 0,
      to: '/api-keys',
      actionLabel: 'Create key',
    });
  }
  const checklistLoading = members.isPending || (canInvite && invites.isPending) || (canManageKeys && apiKeys.isPending);

  return (
    <div className="page">
      <PageHeader
        title={`Welcome, ${firstName(user.name || user.email)}`}
        documentTitle="Dashboard"
        description={<>Here's an overview of {workspaceName}.</>}
      />

      <div className="stat-grid">
        <StatCard
          label="Members"
          icon="users"
          loading={members.isPending}
          failed={members.isError}
          value={members.data?.length}
          footer={
            <Link to="/team" className="link-subtle">
              {canInvite && pendingInvites > 0 ? `${pluralize(pendingInvites, 'pending invite')} · ` : ''}See all members
            </Link>
          }
        />
        {canManageKeys && (
          <StatCard
            label="Active API keys"
            icon="key"
            loading={apiKeys.isPending}
            failed={apiKeys.isError}
            value={activeKeys}
            footer={
              <Link to="/api-keys" className="link-subtle">
                Manage keys
              </Link>
            }
          />
        )}
        <StatCard
          label="Your role"
          icon="shield"
          value={<RoleBadge role={role} />}
          footer={<span className="muted small">{roleDescription[role]}</span>}
        />
      </div>

      <div className={permissions.readAuditLog(role) ? 'dashboard-grid' : 'dashboard-grid dashboard-grid-single'}>
        <GettingStarted items={checklist} loading={checklistLoading} />
        {permissions.readAuditLog(role) && <RecentActivity workspaceId={workspaceId} />}
      </div>
    </div>
  );
}
