import { useId, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { Icon } from './Icon';

interface FileDropProps {
  label: string;
  accept?: string;
  hint?: ReactNode;
  error?: string;
  disabled?: boolean;
  /** Replaces the call to action while a chosen file is being processed. */
  busy?: ReactNode;
  onFile: (file: File) => void;
}

/**
 * A file input with a drop zone around it. The input stays in the tab order (visually hidden) so
 * keyboard users open the picker with Enter or Space; clicking anywhere in the zone does too.
 */
export function FileDrop({ label, accept, hint, error, disabled = false, busy, onFile }: FileDropProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const id = useId();
  const depth = useRef(0);

  function take(files: FileList | null) {
    const file = files?.[0];
    if (file && !disabled) onFile(file);
  }

  const dragHandlers = {
    onDragEnter: (event: DragEvent) => {
      event.preventDefault();
      depth.current += 1;
      if (!disabled) setDragging(true);
    },
    onDragOver: (event: DragEvent) => {
      event.preventDefault();
      event.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
    },
    onDragLeave: () => {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDrop: (event: DragEvent) => {
      event.preventDefault();
      depth.current = 0;
      setDragging(false);
      take(event.dataTransfer.files);
    },
  };

  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;

  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div
        className={['dropzone', dragging && 'dropzone-active', disabled && 'dropzone-disabled', error && 'dropzone-invalid'].filter(Boolean).join(' ')}
        onClick={(event) => {
          if (event.target !== inputRef.current && !disabled) inputRef.current?.click();
        }}
        {...dragHandlers}
      >
        <input
          ref={inputRef}
          id={id}
          type="file"
          className="dropzone-input"
          accept={accept}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(event) => {
            take(event.target.files);
            // Choosing the same file again (after fixing it) must fire change again.
            event.target.value = '';
          }}
        />
        {busy ?? (
          <>
            <span className="dropzone-icon" aria-hidden="true">
              <Icon name="upload" size={20} />
            </span>
            <span className="dropzone-title">{dragging ? 'Drop the file to upload it' : 'Drag and drop a file here'}</span>
            <span className="dropzone-subtitle">
              or <span className="dropzone-link">choose a file</span>
            </span>
          </>
        )}
      </div>
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          <Icon name="alert" size={14} />
          <span>{error}</span>
        </p>
      ) : hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
