import { useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../api/errors';
import { useAddSuppressions } from '../../api/suppressions';
import { pluralize } from '../../lib/format';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { TextareaField, TextField } from '../ui/Field';
import { useToast } from '../ui/Toast';

const MAX_VALUES = 10000;

interface LineError {
  line: number;
  message: string;
}

/** Non-blank lines, remembering which line of the textarea each value came from. */
function readLines(text: string): { values: string[]; lines: number[] } {
  const values: string[] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const value = raw.trim();
    if (!value) return;
    values.push(value);
    lines.push(index + 1);
  });
  return { values, lines };
}

/** Mount only while open. */
export function AddSuppressionsDialog({ workspaceId, onClose }: { workspaceId: string; onClose: () => void }) {
  const add = useAddSuppressions(workspaceId);
  const toast = useToast();
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [lineErrors, setLineErrors] = useState<LineError[]>([]);
  const [formError, setFormError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { values, lines } = readLines(text);
    setLineErrors([]);
    setFormError(null);
    if (values.length === 0) {
      setError('Enter at least one address or domain.');
      return;
    }
    if (values.length > MAX_VALUES) {
      setError(`Add at most ${MAX_VALUES.toLocaleString()} at a time, or upload a CSV.`);
      return;
    }
    setError(undefined);
    try {
      const result = await add.mutateAsync({ values, note: note.trim() || undefined });
      onClose();
      toast.success(
        result.added > 0 ? `Suppressed ${pluralize(result.added, 'entry', 'entries')}` : 'Nothing new to suppress',
        result.alreadySuppressed > 0 ? `${pluralize(result.alreadySuppressed, 'entry was', 'entries were')} already on the list.` : undefined,
      );
    } catch (err) {
      const perLine = isApiError(err)
        ? err.fieldErrors.flatMap(({ field, message }) => {
            const match = /^values\.(\d+)$/.exec(field);
            const line = match ? lines[Number(match[1])] : undefined;
            return line === undefined ? [] : [{ line, message }];
          })
        : [];
      if (perLine.length > 0) {
        setLineErrors(perLine);
        setError(`${perLine.length === 1 ? 'One line isn’t' : `${perLine.length} lines aren’t`} an address or a domain. Fix or remove ${perLine.length === 1 ? 'it' : 'them'}; nothing was added.`);
      } else if (isApiError(err) && err.fieldErrors.some((e) => e.field === 'note')) {
        setFormError(errorMessage(err));
      } else {
        setFormError(errorMessage(err));
      }
    }
  }

  return (
    <Dialog
      open
      onClose={onClose}
      dismissable={!add.isPending}
      title="Add suppressions"
      description="Suppressed addresses are never imported or contacted. A domain blocks every address at it."
      onSubmit={(event) => void submit(event)}
      footer={
        <>
          <Button onClick={onClose} disabled={add.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={add.isPending}>
            Suppress
          </Button>
        </>
      }
    >
      {formError && <Alert tone="danger">{formError}</Alert>}
      <TextareaField
        label="Addresses or domains"
        hint="One per line, like ann@example.com or example.com."
        placeholder={'ann@example.com\nexample.org'}
        rows={7}
        spellCheck={false}
        value={text}
        error={error}
        onChange={(event) => {
          setText(event.target.value);
          setError(undefined);
          setLineErrors([]);
        }}
      />
      {lineErrors.length > 0 && (
        <ul className="line-errors" aria-label="Lines to fix">
          {lineErrors.slice(0, 50).map((item) => (
            <li key={item.line}>
              <span className="line-errors-line">Line {item.line}</span>
              <span>{item.message}</span>
            </li>
          ))}
          {lineErrors.length > 50 && <li className="muted">…and {lineErrors.length - 50} more.</li>}
        </ul>
      )}
      <TextField label="Note (optional)" maxLength={500} autoComplete="off" placeholder="Asked by phone not to be contacted" value={note} onChange={(event) => setNote(event.target.value)} />
    </Dialog>
  );
}
