import { useState } from 'react';
import { errorMessage } from '../../api/errors';
import { useInvites, useRevokeInvite } from '../../api/invites';
import type { Invite } from '../../api/types';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Badge, RoleBadge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card, CardHeader } from '../ui/Card';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { EmptyState } from '../ui/EmptyState';
import { ErrorState } from '../ui/ErrorState';
import { ActionsHeader, Table, TableActions, TableSkeleton } from '../ui/Table';
import { useToast } from '../ui/Toast';

function Expiry({ expiresAt }: { expiresAt: string }) {
  const expired = new Date(expiresAt).getTime() < Date.now();
  if (expired) return <Badge tone="danger">Expired</Badge>;
  return (
    <time dateTime={expiresAt} title={formatDateTime(expiresAt)}>
      {formatRelative(expiresAt)}
    </time>
  );
}

export function InvitesCard({ workspaceId, canRevoke }: { workspaceId: string; canRevoke: boolean }) {
  const invites = useInvites(workspaceId);
  const revokeInvite = useRevokeInvite(workspaceId);
  const toast = useToast();
  const [revoking, setRevoking] = useState<Invite | null>(null);

  function confirmRevoke() {
    if (!revoking) return;
    const invite = revoking;
    revokeInvite.mutate(invite.id, {
      onSuccess: () => toast.success('Invite revoked', `The link sent to ${invite.email} no longer works.`),
      onError: (error) => toast.error("Couldn't revoke the invite", errorMessage(error)),
      onSettled: () => setRevoking(null),
    });
  }

  return (
    <Card aria-labelledby="invites-title">
      <CardHeader titleId="invites-title" title="Pending invites" description="Invites that haven't been accepted yet." />
      {invites.isPending ? (
        <TableSkeleton columns={5} rows={2} label="Loading invites" />
      ) : invites.isError ? (
        <ErrorState title="Couldn't load invites" error={invites.error} onRetry={() => void invites.refetch()} retrying={invites.isFetching} />
      ) : invites.data.length === 0 ? (
        <EmptyState compact icon="mail" title="No pending invites" description="Invites you send appear here until they're accepted." />
      ) : (
        <Table aria-label="Pending invites">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Invited by</th>
              <th scope="col">Expires</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {invites.data.map((invite) => (
              <tr key={invite.id}>
                <td>{invite.email}</td>
                <td>
                  <RoleBadge role={invite.role} />
                </td>
                <td className="muted">{invite.invitedBy ? invite.invitedBy.name || invite.invitedBy.email : '—'}</td>
                <td className="muted nowrap">
                  <Expiry expiresAt={invite.expiresAt} />
                </td>
                <td>
                  <TableActions>
                    {canRevoke && (
                      <Button size="sm" variant="ghost" onClick={() => setRevoking(invite)}>
                        Revoke
                      </Button>
                    )}
                  </TableActions>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke invite?"
        description={`The invite link sent to ${revoking?.email ?? ''} will stop working.`}
        confirmLabel="Revoke invite"
        pending={revokeInvite.isPending}
        onConfirm={confirmRevoke}
        onCancel={() => setRevoking(null)}
      />
    </Card>
  );
}
