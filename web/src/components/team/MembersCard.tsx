import { useId, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { useMembers, useRemoveMember, useUpdateMemberRole } from '../../api/members';
import type { Member, Role } from '../../api/types';
import { formatDate } from '../../lib/format';
import { permissions, ROLES, roleLabel } from '../../lib/permissions';
import { Avatar } from '../ui/Avatar';
import { Badge, RoleBadge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card, CardHeader } from '../ui/Card';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { EmptyState } from '../ui/EmptyState';
import { ErrorState } from '../ui/ErrorState';
import { ActionsHeader, Table, TableActions, TableSkeleton } from '../ui/Table';
import { useToast } from '../ui/Toast';

interface MembersCardProps {
  workspaceId: string;
  workspaceName: string;
  actorRole: Role;
  currentUserId: string;
}

function RoleSelect({ member, onChange, disabled }: { member: Member; onChange: (role: Role) => void; disabled: boolean }) {
  const id = useId();
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        Role for {member.email}
      </label>
      <select
        id={id}
        className="input select input-sm"
        value={member.role}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value as Role)}
      >
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {roleLabel[role]}
          </option>
        ))}
      </select>
    </>
  );
}

export function MembersCard({ workspaceId, workspaceName, actorRole, currentUserId }: MembersCardProps) {
  const members = useMembers(workspaceId);
  const updateRole = useUpdateMemberRole(workspaceId);
  const removeMember = useRemoveMember(workspaceId);
  const toast = useToast();
  const [removing, setRemoving] = useState<Member | null>(null);

  const canChangeRoles = permissions.changeRoles(actorRole);

  function changeRole(member: Member, role: Role) {
    updateRole.mutate(
      { userId: member.userId, role },
      {
        onSuccess: (updated) => toast.success(`${updated.name || updated.email} is now ${roleLabel[updated.role].toLowerCase()}`),
        onError: (error) => toast.error("Couldn't change the role", errorMessage(error)),
      },
    );
  }

  function confirmRemove() {
    if (!removing) return;
    const member = removing;
    removeMember.mutate(member.userId, {
      onSuccess: () => toast.success(`Removed ${member.name || member.email}`, `They no longer have access to ${workspaceName}.`),
      onError: (error) => toast.error("Couldn't remove the member", errorMessage(error)),
      onSettled: () => setRemoving(null),
    });
  }

  const count = members.data?.length;

  return (
    <Card aria-labelledby="members-title">
      <CardHeader
        titleId="members-title"
        title="Members"
        description={count === undefined ? 'People with access to this workspace.' : `${count} ${count === 1 ? 'person has' : 'people have'} access to this workspace.`}
      />
      {members.isPending ? (
        <TableSkeleton columns={5} label="Loading members" />
      ) : members.isError ? (
        <ErrorState title="Couldn't load members" error={members.error} onRetry={() => void members.refetch()} retrying={members.isFetching} />
      ) : members.data.length === 0 ? (
        <EmptyState icon="users" title="No members" description="Invite someone to get started." />
      ) : (
        <Table aria-label="Members">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {members.data.map((member) => {
              const isSelf = member.userId === currentUserId;
              // Owners don't edit their own role here, so nobody locks themselves out by accident.
              const roleEditable = canChangeRoles && !isSelf;
              const removable = !isSelf && permissions.removeMember(actorRole, member.role);
              const updatingThis = updateRole.isPending && updateRole.variables?.userId === member.userId;
              return (
                <tr key={member.userId}>
                  <td>
                    <span className="person">
                      <Avatar name={member.name || member.email} seed={member.userId} size="sm" />
                      <span className="person-name">{member.name || '—'}</span>
                      {isSelf && <Badge>You</Badge>}
                    </span>
                  </td>
                  <td className="muted">{member.email}</td>
                  <td>
                    {roleEditable ? (
                      <RoleSelect member={member} disabled={updatingThis} onChange={(role) => changeRole(member, role)} />
                    ) : (
                      <RoleBadge role={member.role} />
                    )}
                  </td>
                  <td className="muted nowrap">{formatDate(member.joinedAt)}</td>
                  <td>
                    <TableActions>
                      {removable && (
                        <Button size="sm" variant="ghost" onClick={() => setRemoving(member)}>
                          Remove
                        </Button>
                      )}
                    </TableActions>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.name || removing?.email || 'member'}?`}
        description={`They'll lose access to ${workspaceName} right away. You can invite them again later.`}
        confirmLabel="Remove member"
        pending={removeMember.isPending}
        onConfirm={confirmRemove}
        onCancel={() => setRemoving(null)}
      />
    </Card>
  );
}
