import { Link, useRouterState } from '@tanstack/react-router';
import type { ComponentType } from 'react';
import { useSession } from '../../api/me';
import type { Me, Role } from '../../api/types';
import { permissions } from '../../lib/permissions';
import { InboxNavBadge } from '../inbox/InboxNavBadge';
import { Icon, type IconName } from '../ui/Icon';

interface NavItem {
  to: '/' | '/inbox' | '/campaigns' | '/senders' | '/pages' | '/broadcasts' | '/contacts' | '/lists' | '/suppressions' | '/team' | '/settings' | '/billing' | '/api-keys' | '/audit-log' | '/profile';
  label: string;
  icon: IconName;
  visible?: (role: Role) => boolean;
  /** Shown only when this instance offers the feature (e.g. Messenger needs a Facebook app). */
  feature?: keyof Me['features'];
  /** Other paths that belong to this section (e.g. the segment editor under "Lists & segments"). */
  alsoActiveUnder?: string;
  /** A live count beside the label (e.g. unread conversations). */
  badge?: ComponentType;
}

const workspaceItems: NavItem[] = [
  { to: '/', label: 'Dashboard', icon: 'home' },
  { to: '/inbox', label: 'Inbox', icon: 'inbox', badge: InboxNavBadge },
  { to: '/campaigns', label: 'Campaigns', icon: 'mail' },
  { to: '/senders', label: 'Sending accounts', icon: 'send' },
  { to: '/pages', label: 'Facebook pages', icon: 'globe', feature: 'messenger' },
  { to: '/broadcasts', label: 'Broadcasts', icon: 'activity', feature: 'messenger' },
  { to: '/contacts', label: 'Contacts', icon: 'contacts' },
  { to: '/lists', label: 'Lists & segments', icon: 'layers', alsoActiveUnder: '/segments' },
  { to: '/suppressions', label: 'Suppressions', icon: 'ban' },
  { to: '/team', label: 'Team', icon: 'users' },
  { to: '/settings', label: 'Settings', icon: 'settings' },
  { to: '/billing', label: 'Billing', icon: 'fileText', feature: 'billing' },
  { to: '/api-keys', label: 'API keys', icon: 'key', visible: permissions.manageApiKeys },
  { to: '/audit-log', label: 'Audit log', icon: 'list', visible: permissions.readAuditLog },
];

const accountItems: NavItem[] = [{ to: '/profile', label: 'Profile', icon: 'user' }];

function NavSection({ title, items, role }: { title: string; items: NavItem[]; role: Role | null }) {
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const { features } = useSession().me;
  const shown = items.filter((item) => (!item.visible || (role !== null && item.visible(role))) && (!item.feature || features[item.feature]));
  return (
    <div className="nav-section">
      <p className="nav-section-title">{title}</p>
      <ul>
        {shown.map((item) => (
          <li key={item.to}>
            <Link
              to={item.to}
              className={item.alsoActiveUnder && pathname.startsWith(item.alsoActiveUnder) ? 'nav-link nav-link-active' : 'nav-link'}
              activeProps={{ className: 'nav-link-active' }}
              activeOptions={{ exact: item.to === '/' }}
            >
              <Icon name={item.icon} size={18} />
              <span>{item.label}</span>
              {item.badge && <item.badge />}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function SidebarNav({ role }: { role: Role | null }) {
  return (
    <nav className="sidebar-nav" aria-label="Main">
      {role !== null && <NavSection title="Workspace" items={workspaceItems} role={role} />}
      <NavSection title="Account" items={accountItems} role={role} />
    </nav>
  );
}
