import { useEffect, useId, useRef, type FormEventHandler, type ReactNode } from 'react';
import { Icon } from './Icon';

interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** Non-dismissable while work is in flight, so a half-finished action isn't hidden. */
  dismissable?: boolean;
  /** Makes the panel a <form>, so footer buttons can submit it and Enter works in any field. */
  onSubmit?: FormEventHandler<HTMLFormElement>;
}

/**
 * Built on the native <dialog> element: showModal() gives focus trapping, Escape handling, inert
 * background and top-layer stacking for free. The close button comes last in DOM order so the
 * browser's initial focus lands on the first field or action rather than on "Close".
 */
export function Dialog({ open, onClose, title, description, children, footer, size = 'md', dismissable = true, onSubmit }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const pressStartedOnBackdrop = useRef(false);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const content = (
    <>
      <header className="dialog-header">
        <h2 className="dialog-title" id={titleId}>
          {title}
        </h2>
        {description && (
          <p className="dialog-description" id={descriptionId}>
            {description}
          </p>
        )}
      </header>
      {children && <div className="dialog-body">{children}</div>}
      {footer && <footer className="dialog-footer">{footer}</footer>}
      {dismissable && (
        <button type="button" className="dialog-close" onClick={onClose}>
          <Icon name="close" />
          <span className="visually-hidden">Close</span>
        </button>
      )}
    </>
  );

  return (
    <dialog
      ref={ref}
      role="dialog"
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      className={`dialog dialog-${size}`}
      onCancel={(event) => {
        event.preventDefault();
        if (dismissable) onClose();
      }}
      onMouseDown={(event) => {
        pressStartedOnBackdrop.current = event.target === ref.current;
      }}
      onClick={(event) => {
        // Only a click that both starts and ends on the backdrop closes; drag-selecting text must not.
        if (dismissable && pressStartedOnBackdrop.current && event.target === ref.current) onClose();
      }}
    >
      {open &&
        (onSubmit ? (
          <form className="dialog-panel" onSubmit={onSubmit} noValidate>
            {content}
          </form>
        ) : (
          <div className="dialog-panel">{content}</div>
        ))}
    </dialog>
  );
}
