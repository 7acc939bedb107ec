import type { ReactNode } from 'react';
import type { Role } from '../../api/types';
import { roleLabel } from '../../lib/permissions';

export type BadgeTone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

export function Badge({ tone = 'neutral', dot, children }: { tone?: BadgeTone; dot?: boolean; children: ReactNode }) {
  return (
    <span className={`badge badge-${tone}`}>
      {dot && <span className="badge-dot" aria-hidden="true" />}
      {children}
    </span>
  );
}

const roleTone: Record<Role, BadgeTone> = { owner: 'accent', admin: 'warning', member: 'neutral' };

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={roleTone[role]}>{roleLabel[role]}</Badge>;
}
