import { useEffect, useState } from 'react';
import { useSuspenseQuery } from '@tanstack/react-query';
import { Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { hasStatus } from '../../api/errors';
import { BillingBanner } from '../billing/BillingBanner';
import { meQueryOptions, useSession } from '../../api/me';
import { MobileTopBar } from './MobileTopBar';
import { NoWorkspace } from './NoWorkspace';
import { Sidebar } from './Sidebar';
import { VerifyEmailBanner } from './VerifyEmailBanner';

/** Sends the user to log in when a background /me refetch finds the session gone. */
function useLostSessionRedirect() {
  const { error } = useSuspenseQuery(meQueryOptions);
  const navigate = useNavigate();
  const href = useRouterState({ select: (state) => state.location.href });
  useEffect(() => {
    if (hasStatus(error, 401)) void navigate({ to: '/login', search: { next: href }, replace: true });
  }, [error, href, navigate]);
}

export function AppShell() {
  const { user, workspace } = useSession();
  const [navOpen, setNavOpen] = useState(false);
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  useLostSessionRedirect();

  // The drawer closes after navigating, like any mobile menu.
  useEffect(() => setNavOpen(false), [pathname]);

  useEffect(() => {
    if (!navOpen) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setNavOpen(false);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [navOpen]);

  return (
    <div className="app-shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <MobileTopBar navOpen={navOpen} onOpenNav={() => setNavOpen(true)} />
      <Sidebar role={workspace?.role ?? null} open={navOpen} onClose={() => setNavOpen(false)} />
      {navOpen && <div className="sidebar-scrim" aria-hidden="true" onClick={() => setNavOpen(false)} />}
      <div className="app-main">
        {!user.emailVerified && <VerifyEmailBanner email={user.email} />}
        <BillingBanner />
        <main id="main" className="app-content" tabIndex={-1}>
          {workspace ? <Outlet /> : <NoWorkspace />}
        </main>
      </div>
    </div>
  );
}
