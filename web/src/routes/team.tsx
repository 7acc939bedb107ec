import { useState } from 'react';
import { useWorkspace } from '../api/me';
import { PageHeader } from '../components/layout/PageHeader';
import { InviteMemberDialog } from '../components/team/InviteMemberDialog';
import { InvitesCard } from '../components/team/InvitesCard';
import { MembersCard } from '../components/team/MembersCard';
import { Button } from '../components/ui/Button';
import { permissions } from '../lib/permissions';

export function TeamPage() {
  const { id: workspaceId, name: workspaceName, role, user } = useWorkspace();
  const [inviting, setInviting] = useState(false);
  const canInvite = permissions.invite(role);

  return (
    <div className="page">
      <PageHeader
        title="Team"
        description={`Manage who has access to ${workspaceName}.`}
        actions={
          canInvite && (
            <Button variant="primary" icon="plus" onClick={() => setInviting(true)}>
              Invite member
            </Button>
          )
        }
      />
      <div className="stack">
        <MembersCard workspaceId={workspaceId} workspaceName={workspaceName} actorRole={role} currentUserId={user.id} />
        {canInvite && <InvitesCard workspaceId={workspaceId} canRevoke={permissions.revokeInvites(role)} />}
      </div>
      {inviting && (
        <InviteMemberDialog
          workspaceId={workspaceId}
          workspaceName={workspaceName}
          actorRole={role}
          onClose={() => setInviting(false)}
        />
      )}
    </div>
  );
}
