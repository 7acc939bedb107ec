import { useState, type FormEvent } from 'react';
import { useBulkContacts } from '../../api/contacts';
import { errorMessage, isApiError } from '../../api/errors';
import { useCreateList, useLists } from '../../api/lists';
import type { BulkSelection } from '../../api/types';
import { pluralize } from '../../lib/format';
import { listPickerError, ListPicker, NEW_LIST } from '../lists/ListPicker';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { TextField } from '../ui/Field';
import { useToast } from '../ui/Toast';

interface BulkDialogProps {
  workspaceId: string;
  selection: BulkSelection;
  /** How many contacts the selection covers, for the wording. */
  count: number;
  onClose: () => void;
  onDone: () => void;
}

/** Mount only while open. */
export function BulkAddToListDialog({ workspaceId, selection, count, onClose, onDone }: BulkDialogProps) {
  const lists = useLists(workspaceId);
  const createList = useCreateList(workspaceId);
  const bulk = useBulkContacts(workspaceId);
  const toast = useToast();
  const [listId, setListId] = useState('');
  const [newName, setNewName] = useState('');
  const [errors, setErrors] = useState<{ list?: string; newName?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const pending = createList.isPending || bulk.isPending;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const invalid = listPickerError(listId, newName, true);
    setErrors(invalid ?? {});
    if (invalid) return;
    setFormError(null);
    try {
      let list = lists.data?.find((l) => l.id === listId);
      if (listId === NEW_LIST) {
        list = await createList.mutateAsync({ name: newName.trim() });
        // If the bulk step fails, a retry uses this list instead of creating another.
        setListId(list.id);
      }
      const targetId = list?.id ?? listId;
      const { affected } = await bulk.mutateAsync({ selection, action: { action: 'add_to_list', listId: targetId } });
      onDone();
      toast.success(
        `Added to ${list?.name ?? 'the list'}`,
        affected === count ? `${pluralize(affected, 'contact')} added.` : `${pluralize(affected, 'contact')} added; the others were already in it.`,
      );
    } catch (error) {
      if (isApiError(error) && error.fieldErrors.some((e) => e.field === 'name')) setErrors({ newName: errorMessage(error) });
      else setFormError(errorMessage(error));
    }
  }

  return (
    <Dialog
      open
      onClose={onClose}
      dismissable={!pending}
      title={`Add ${pluralize(count, 'contact')} to a list`}
      description="Contacts already in the list stay as they are."
      onSubmit={(event) => void submit(event)}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={pending}>
            Add contacts
          </Button>
        </>
      }
    >
      {formError && <Alert tone="danger">{formError}</Alert>}
      {lists.isError && <Alert tone="danger">Couldn't load your lists: {errorMessage(lists.error)}</Alert>}
      <ListPicker
        label="Choose a list"
        lists={lists.data}
        value={listId}
        onChange={(value) => {
          setListId(value);
          setErrors({});
        }}
        newName={newName}
        onNewNameChange={(value) => {
          setNewName(value);
          setErrors({});
        }}
        error={errors.list}
        newNameError={errors.newName}
        disabled={pending}
      />
    </Dialog>
  );
}

/** Mount only while open. */
export function BulkTagDialog({ workspaceId, selection, count, onClose, onDone, knownTags }: BulkDialogProps & { knownTags: string[] }) {
  const bulk = useBulkContacts(workspaceId);
  const toast = useToast();
  const [tag, setTag] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = tag.trim();
    if (!value) {
      setError('Enter a tag.');
      return;
    }
    if (value.length > 100) {
      setError('Keep tags under 101 characters.');
      return;
    }
    setFormError(null);
    try {
      const { affected } = await bulk.mutateAsync({ selection, action: { action: 'tag', tag: value } });
      onDone();
      toast.success(`Tagged “${value}”`, affected === count ? `${pluralize(affected, 'contact')} tagged.` : `${pluralize(affected, 'contact')} tagged; the others already had it.`);
    } catch (err) {
      setFormError(errorMessage(err));
    }
  }

  return (
    <Dialog
      open
      onClose={onClose}
      dismissable={!bulk.isPending}
      title={`Tag ${pluralize(count, 'contact')}`}
      description="The tag is added to each contact's existing tags."
      onSubmit={(event) => void submit(event)}
      footer={
        <>
          <Button onClick={onClose} disabled={bulk.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={bulk.isPending}>
            Apply tag
          </Button>
        </>
      }
    >
      {formError && <Alert tone="danger">{formError}</Alert>}
      <TextField
        label="Tag name"
        autoComplete="off"
        placeholder="vip"
        list="bulk-tag-suggestions"
        maxLength={100}
        value={tag}
        error={error}
        onChange={(event) => {
          setTag(event.target.value);
          setError(undefined);
        }}
      />
      <datalist id="bulk-tag-suggestions">
        {knownTags.map((known) => (
          <option key={known} value={known} />
        ))}
      </datalist>
    </Dialog>
  );
}
