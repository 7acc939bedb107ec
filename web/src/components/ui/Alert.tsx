import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

export type AlertTone = 'info' | 'success' | 'warning' | 'danger';

const toneIcon: Record<AlertTone, IconName> = {
  info: 'info',
  success: 'checkCircle',
  warning: 'alert',
  danger: 'alert',
};

interface AlertProps {
  tone?: AlertTone;
  title?: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
}

export function Alert({ tone = 'info', title, children, action }: AlertProps) {
  // Errors interrupt; other tones are announced politely.
  return (
    <div className={`alert alert-${tone}`} role={tone === 'danger' ? 'alert' : 'status'}>
      <Icon name={toneIcon[tone]} size={18} className="alert-icon" />
      <div className="alert-content">
        {title && <p className="alert-title">{title}</p>}
        {children && <div className="alert-body">{children}</div>}
      </div>
      {action && <div className="alert-action">{action}</div>}
    </div>
  );
}
