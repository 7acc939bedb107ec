import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import { Spinner } from './Spinner';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';
export type ButtonSize = 'sm' | 'md' | 'lg';

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: ButtonSize;
  loading?: boolean;
  icon?: IconName;
  fullWidth?: boolean;
  children: ReactNode;
}

/** Shared by <Link>s that should look like buttons. */
export function buttonClassName(variant: ButtonVariant = 'secondary', size: ButtonSize = 'md', fullWidth = false) {
  return ['btn', `btn-${variant}`, `btn-${size}`, fullWidth && 'btn-block'].filter(Boolean).join(' ');
}

export function Button({
  variant = 'secondary',
  size = 'md',
  loading = false,
  icon,
  fullWidth = false,
  type = 'button',
  disabled,
  className,
  children,
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={[buttonClassName(variant, size, fullWidth), className].filter(Boolean).join(' ')}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      {...rest}
    >
      {loading ? <Spinner size="sm" /> : icon ? <Icon name={icon} /> : null}
      <span>{children}</span>
    </button>
  );
}
