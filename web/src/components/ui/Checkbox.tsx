import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode } from 'react';

interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> {
  label: string;
  description?: ReactNode;
  /** Label only for assistive tech, e.g. row selection in a table. */
  hideLabel?: boolean;
  /** The "some but not all" state of a select-all box. */
  indeterminate?: boolean;
}

/** The description sits outside the <label>, so the accessible name is the label text alone. */
export function Checkbox({ label, description, hideLabel = false, indeterminate = false, id, className, ...input }: CheckboxProps) {
  const ref = useRef<HTMLInputElement>(null);
  const generated = useId();
  const inputId = id ?? generated;

  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);

  return (
    <div className={['checkbox', hideLabel && 'checkbox-bare', className].filter(Boolean).join(' ')}>
      <input
        ref={ref}
        id={inputId}
        type="checkbox"
        className="checkbox-input"
        aria-describedby={description ? `${inputId}-description` : undefined}
        {...input}
      />
      {hideLabel ? (
        <label htmlFor={inputId} className="visually-hidden">
          {label}
        </label>
      ) : (
        <span className="checkbox-text">
          <label htmlFor={inputId} className="checkbox-label">
            {label}
          </label>
          {description && (
            <span className="checkbox-description" id={`${inputId}-description`}>
              {description}
            </span>
          )}
        </span>
      )}
    </div>
  );
}
