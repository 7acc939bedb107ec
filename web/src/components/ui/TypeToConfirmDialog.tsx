import { useState, type ReactNode } from 'react';
import { Alert } from './Alert';
import { Button } from './Button';
import { Dialog } from './Dialog';
import { TextField } from './Field';

interface TypeToConfirmDialogProps {
  title: string;
  description: ReactNode;
  /** The word to type, e.g. ERASE; matched exactly. */
  phrase: string;
  confirmLabel: string;
  pending?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ReactNode;
}

/** For irreversible actions: the confirm button stays disabled until the phrase is typed. Mount only while open. */
export function TypeToConfirmDialog({ title, description, phrase, confirmLabel, pending = false, error, onConfirm, onCancel, children }: TypeToConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  const matches = typed.trim() === phrase;
  return (
    <Dialog
      open
      size="sm"
      title={title}
      description={description}
      onClose={onCancel}
      dismissable={!pending}
      onSubmit={(event) => {
        event.preventDefault();
        if (matches && !pending) onConfirm();
      }}
      footer={
        <>
          <Button onClick={onCancel} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" loading={pending} disabled={!matches}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {error && <Alert tone="danger">{error}</Alert>}
      {children}
      <TextField
        label={`Type ${phrase} to confirm`}
        autoComplete="off"
        spellCheck={false}
        value={typed}
        onChange={(event) => setTyped(event.target.value)}
      />
    </Dialog>
  );
}
