import { useCreateApiKey } from '../../api/apiKeys';
import type { ApiKeyRole, CreatedApiKey } from '../../api/types';
import { roleLabel } from '../../lib/permissions';
import { useForm } from '../../lib/useForm';
import { NAME_MAX, validateName } from '../../lib/validation';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { SelectField, TextField } from '../ui/Field';

const keyRoles: ApiKeyRole[] = ['admin', 'member'];

const keyRoleHint: Record<ApiKeyRole, string> = {
  admin: 'Can do what a workspace admin can, including managing members.',
  member: 'Can use the workspace, but not manage people or keys.',
};

interface CreateApiKeyDialogProps {
  workspaceId: string;
  onClose: () => void;
  onCreated: (key: CreatedApiKey) => void;
}

/** Mount only while open, so every opening starts with an empty form. */
export function CreateApiKeyDialog({ workspaceId, onClose, onCreated }: CreateApiKeyDialogProps) {
  const createKey = useCreateApiKey(workspaceId);
  const form = useForm({
    initialValues: { name: '', role: 'member' },
    validate: ({ name }) => ({ name: validateName(name, 'a name for the key') }),
    onSubmit: async ({ name, role }) => {
      onCreated(await createKey.mutateAsync({ name: name.trim(), role: role as ApiKeyRole }));
    },
  });

  return (
    <Dialog
      open
      onClose={onClose}
      dismissable={!createKey.isPending}
      title="Create API key"
      description="The key acts on this workspace with the role you pick."
      onSubmit={form.handleSubmit}
      footer={
        <>
          <Button onClick={onClose} disabled={createKey.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={createKey.isPending}>
            Create key
          </Button>
        </>
      }
    >
      {form.formError && <Alert tone="danger">{form.formError}</Alert>}
      <TextField
        label="Key name"
        placeholder="CRM sync"
        hint="Say where it's used, so you know what breaks if you revoke it."
        maxLength={NAME_MAX}
        autoComplete="off"
        {...form.field('name')}
      />
      <SelectField
        label="Role"
        options={keyRoles.map((role) => ({ value: role, label: roleLabel[role] }))}
        hint={keyRoleHint[form.values.role as ApiKeyRole]}
        {...form.field('role')}
      />
    </Dialog>
  );
}
