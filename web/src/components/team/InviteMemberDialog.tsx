import { useCreateInvite } from '../../api/invites';
import type { Role } from '../../api/types';
import { permissions, roleDescription, roleLabel } from '../../lib/permissions';
import { useForm } from '../../lib/useForm';
import { validateEmail } from '../../lib/validation';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { SelectField, TextField } from '../ui/Field';
import { useToast } from '../ui/Toast';

interface InviteMemberDialogProps {
  workspaceId: string;
  workspaceName: string;
  actorRole: Role;
  onClose: () => void;
}

/** Mount only while open, so every opening starts with an empty form. */
export function InviteMemberDialog({ workspaceId, workspaceName, actorRole, onClose }: InviteMemberDialogProps) {
  const createInvite = useCreateInvite(workspaceId);
  const toast = useToast();
  const roles = permissions.invitableRoles(actorRole);

  const form = useForm({
    initialValues: { email: '', role: 'member' },
    validate: ({ email }) => ({ email: validateEmail(email) }),
    onSubmit: async ({ email, role }) => {
      const invite = await createInvite.mutateAsync({ email: email.trim(), role: role as Role });
      onClose();
      toast.success('Invite sent', `${invite.email} will get an email with a link to join ${workspaceName}.`);
    },
  });

  const selectedRole = form.values.role as Role;

  return (
    <Dialog
      open
      onClose={onClose}
      dismissable={!createInvite.isPending}
      title="Invite member"
      description={`They'll get an email with a link to join ${workspaceName}.`}
      onSubmit={form.handleSubmit}
      footer={
        <>
          <Button onClick={onClose} disabled={createInvite.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" icon="send" loading={createInvite.isPending}>
            Send invite
          </Button>
        </>
      }
    >
      {form.formError && <Alert tone="danger">{form.formError}</Alert>}
      <TextField label="Email" type="email" autoComplete="off" placeholder="name@company.com" {...form.field('email')} />
      <SelectField
        label="Role"
        options={roles.map((role) => ({ value: role, label: roleLabel[role] }))}
        hint={roleDescription[selectedRole]}
        {...form.field('role')}
      />
    </Dialog>
  );
}
