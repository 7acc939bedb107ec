import { useEffect, useRef } from 'react';
import { Link } from '@tanstack/react-router';
import type { Role } from '../../api/types';
import { Icon } from '../ui/Icon';
import { Logo } from './Logo';
import { SidebarNav } from './SidebarNav';
import { UserMenu } from './UserMenu';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

interface SidebarProps {
  role: Role | null;
  /** Only meaningful on narrow screens, where the sidebar is an off-canvas drawer. */
  open: boolean;
  onClose: () => void;
}

export function Sidebar({ role, open, onClose }: SidebarProps) {
  const closeRef = useRef<HTMLButtonElement>(null);

  // Opening the drawer moves focus into it, so keyboard users don't stay behind the scrim.
  useEffect(() => {
    if (open) closeRef.current?.focus();
  }, [open]);

  return (
    <aside className={open ? 'sidebar sidebar-open' : 'sidebar'} id="app-sidebar" aria-label="Sidebar">
      <div className="sidebar-top">
        <Link to="/" className="sidebar-logo">
          <Logo />
        </Link>
        <button type="button" ref={closeRef} className="icon-button sidebar-close" onClick={onClose}>
          <Icon name="close" />
          <span className="visually-hidden">Close menu</span>
        </button>
      </div>
      <WorkspaceSwitcher />
      <SidebarNav role={role} />
      <div className="sidebar-bottom">
        <UserMenu />
      </div>
    </aside>
  );
}
