import { useNavigate } from '@tanstack/react-router';
import { useCreateWorkspace } from '../../api/workspaces';
import { useForm } from '../../lib/useForm';
import { validateName } from '../../lib/validation';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { TextField } from '../ui/Field';
import { useToast } from '../ui/Toast';

/** Mount only while open, so every opening starts with an empty form. */
export function CreateWorkspaceDialog({ onClose }: { onClose: () => void }) {
  const createWorkspace = useCreateWorkspace();
  const toast = useToast();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { name: '' },
    validate: ({ name }) => ({ name: validateName(name, 'a workspace name') }),
    onSubmit: async ({ name }) => {
      const workspace = await createWorkspace.mutateAsync({ name: name.trim() });
      onClose();
      toast.success(`Created ${workspace.name}`, "You're now working in the new workspace.");
      await navigate({ to: '/' });
    },
  });

  return (
    <Dialog
      open
      onClose={onClose}
      dismissable={!createWorkspace.isPending}
      title="Create workspace"
      description="Workspaces keep contacts, campaigns and teammates separate."
      onSubmit={form.handleSubmit}
      footer={
        <>
          <Button onClick={onClose} disabled={createWorkspace.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={createWorkspace.isPending}>
            Create workspace
          </Button>
        </>
      }
    >
      {form.formError && <Alert tone="danger">{form.formError}</Alert>}
      <TextField
        label="Workspace name"
        hint="Usually your company or team name."
        autoComplete="organization"
        maxLength={100}
        {...form.field('name')}
      />
    </Dialog>
  );
}
