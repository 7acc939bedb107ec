import type { ContactList } from '../../api/types';
import { SelectField, TextField } from '../ui/Field';

/** Select value meaning "create a list with the name typed below". */
export const NEW_LIST = '__new__';

interface ListPickerProps {
  label: string;
  lists: ContactList[] | undefined;
  value: string;
  onChange: (value: string) => void;
  newName: string;
  onNewNameChange: (value: string) => void;
  /** Label of the "no list" option; omit to require a list. */
  noneLabel?: string;
  error?: string;
  newNameError?: string;
  hint?: string;
  disabled?: boolean;
}

export function ListPicker({ label, lists, value, onChange, newName, onNewNameChange, noneLabel, error, newNameError, hint, disabled }: ListPickerProps) {
  const options = [
    ...(noneLabel !== undefined ? [{ value: '', label: noneLabel }] : value === '' ? [{ value: '', label: lists ? 'Choose a list…' : 'Loading lists…' }] : []),
    ...(lists ?? []).map((list) => ({ value: list.id, label: list.name })),
    { value: NEW_LIST, label: 'New list…' },
  ];
  return (
    <>
      <SelectField label={label} options={options} value={value} error={error} hint={hint} disabled={disabled} onChange={(event) => onChange(event.target.value)} />
      {value === NEW_LIST && (
        <TextField
          label="New list name"
          autoFocus
          maxLength={200}
          autoComplete="off"
          placeholder="Webinar attendees"
          value={newName}
          error={newNameError}
          disabled={disabled}
          onChange={(event) => onNewNameChange(event.target.value)}
        />
      )}
    </>
  );
}

/** Validates a picker's state: returns the error to show, or null when it's usable. */
export function listPickerError(value: string, newName: string, required: boolean): { list?: string; newName?: string } | null {
  if (value === NEW_LIST && !newName.trim()) return { newName: 'Enter a name for the new list.' };
  if (required && value === '') return { list: 'Choose a list.' };
  return null;
}
