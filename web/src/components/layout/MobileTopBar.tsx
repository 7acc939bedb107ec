import { Link } from '@tanstack/react-router';
import { Icon } from '../ui/Icon';
import { Logo } from './Logo';

export function MobileTopBar({ navOpen, onOpenNav }: { navOpen: boolean; onOpenNav: () => void }) {
  return (
    <header className="topbar">
      <button
        type="button"
        className="icon-button"
        aria-expanded={navOpen}
        aria-controls="app-sidebar"
        onClick={onOpenNav}
      >
        <Icon name="menu" size={20} />
        <span className="visually-hidden">Open menu</span>
      </button>
      <Link to="/" className="topbar-logo">
        <Logo />
      </Link>
    </header>
  );
}
