import { useCreateList, useRenameList } from '../../api/lists';
import type { ContactList } from '../../api/types';
import { useForm } from '../../lib/useForm';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { TextField } from '../ui/Field';
import { useToast } from '../ui/Toast';

const validateListName = (name: string) => {
  const value = name.trim();
  if (!value) return 'Enter a name for the list.';
  if (value.length > 200) return 'Keep it under 201 characters.';
  return undefined;
};

/** Creates a list, or renames `list` when given. Mount only while open. */
export function ListNameDialog({ workspaceId, list, onClose }: { workspaceId: string; list?: ContactList; onClose: () => void }) {
  const createList = useCreateList(workspaceId);
  const renameList = useRenameList(workspaceId);
  const toast = useToast();
  const pending = createList.isPending || renameList.isPending;

  const form = useForm({
    initialValues: { name: list?.name ?? '' },
    validate: ({ name }) => ({ name: validateListName(name) }),
    labels: { name: 'List name' },
    onSubmit: async ({ name }) => {
      if (list) {
        const renamed = await renameList.mutateAsync({ id: list.id, name: name.trim() });
        onClose();
        toast.success(`Renamed to ${renamed.name}`);
      } else {
        const created = await createList.mutateAsync({ name: name.trim() });
        onClose();
        toast.success(`Created ${created.name}`, 'Add contacts from the contacts table, or pick the list when importing a CSV.');
      }
    },
  });

  return (
    <Dialog
      open
      size="sm"
      onClose={onClose}
      dismissable={!pending}
      title={list ? 'Rename list' : 'New list'}
      description={list ? undefined : 'A static list: contacts stay in it until you remove them.'}
      onSubmit={form.handleSubmit}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={pending} disabled={list !== undefined && form.values.name.trim() === list.name}>
            {list ? 'Save' : 'Create list'}
          </Button>
        </>
      }
    >
      {form.formError && <Alert tone="danger">{form.formError}</Alert>}
      <TextField label="List name" placeholder="Webinar attendees" maxLength={200} autoComplete="off" {...form.field('name')} />
    </Dialog>
  );
}
