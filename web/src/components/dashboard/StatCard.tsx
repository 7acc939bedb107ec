import type { ReactNode } from 'react';
import { Icon, type IconName } from '../ui/Icon';
import { Skeleton } from '../ui/Skeleton';

interface StatCardProps {
  label: string;
  icon: IconName;
  value: ReactNode;
  loading?: boolean;
  /** Shown instead of the value when it couldn't be loaded. */
  failed?: boolean;
  footer?: ReactNode;
}

export function StatCard({ label, icon, value, loading, failed, footer }: StatCardProps) {
  return (
    <section className="card stat-card" aria-label={label}>
      <div className="stat-card-top">
        <p className="stat-label">{label}</p>
        <span className="stat-icon">
          <Icon name={icon} size={16} />
        </span>
      </div>
      <div className="stat-value">
        {loading ? <Skeleton width={56} height={28} /> : failed ? <span className="muted small">Couldn't load</span> : value}
      </div>
      {footer && <div className="stat-footer">{footer}</div>}
    </section>
  );
}
