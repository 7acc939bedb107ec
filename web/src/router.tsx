import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  parseSearchWith,
  redirect,
  stringifySearchWith,
} from '@tanstack/react-router';
import { hasStatus } from './api/errors';
import { meQueryOptions } from './api/me';
import { queryClient } from './api/queryClient';
import { AppShell } from './components/layout/AppShell';
import { FullPageSpinner } from './components/ui/Spinner';
import { ApiKeysPage } from './routes/api-keys';
import { AuditLogPage } from './routes/audit-log';
import { DashboardPage } from './routes/dashboard';
import { ForgotPasswordPage } from './routes/forgot-password';
import { InvitePage } from './routes/invite';
import { LoginPage } from './routes/login';
import { NotFoundPage } from './routes/not-found';
import { ProfilePage } from './routes/profile';
import { ResetPasswordPage } from './routes/reset-password';
import { RouteErrorPage } from './routes/route-error';
import {
  validateCampaignSearch,
  validateContactsSearch,
  validateImportSearch,
  validateInboxSearch,
  validateListsSearch,
  validateNextSearch,
  validateSendersSearch,
  validateSignupSearch,
  validateTokenSearch,
} from './routes/searchParams';
import { validateBroadcastSearch, validatePagesSearch } from './routes/messengerSearch';
import { validateBillingSearch } from './routes/billingSearch';
import { SignupPage } from './routes/signup';
import { TeamPage } from './routes/team';
import { VerifyEmailPage } from './routes/verify-email';

interface RouterContext {
  queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
});

// Public pages

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'login',
  validateSearch: validateNextSearch,
  component: LoginPage,
});

const signupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'signup',
  validateSearch: validateSignupSearch,
  component: SignupPage,
});

const forgotPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'forgot-password',
  component: ForgotPasswordPage,
});

const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'reset-password',
  validateSearch: validateTokenSearch,
  component: ResetPasswordPage,
});

const verifyEmailRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'verify-email',
  validateSearch: validateTokenSearch,
  component: VerifyEmailPage,
});

const inviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'invite',
  validateSearch: validateTokenSearch,
  component: InvitePage,
});

// Signed-in pages share the app shell and the session check. The audience, sending and campaign
// pages load on first visit, keeping the initial bundle small.

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    try {
      await context.queryClient.ensureQueryData(meQueryOptions);
    } catch (error) {
      if (hasStatus(error, 401)) throw redirect({ to: '/login', search: { next: location.href } });
      throw error;
    }
  },
  component: AppShell,
});

const dashboardRoute = createRoute({ getParentRoute: () => appRoute, path: '/', component: DashboardPage });
const teamRoute = createRoute({ getParentRoute: () => appRoute, path: 'team', component: TeamPage });
const apiKeysRoute = createRoute({ getParentRoute: () => appRoute, path: 'api-keys', component: ApiKeysPage });
const auditLogRoute = createRoute({ getParentRoute: () => appRoute, path: 'audit-log', component: AuditLogPage });
const profileRoute = createRoute({ getParentRoute: () => appRoute, path: 'profile', component: ProfilePage });

const contactsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'contacts',
  validateSearch: validateContactsSearch,
  component: lazyRouteComponent(() => import('./routes/contacts'), 'ContactsPage'),
});
const contactImportRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'contacts/import',
  validateSearch: validateImportSearch,
  component: lazyRouteComponent(() => import('./routes/contact-import'), 'ContactImportPage'),
});
const contactRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'contacts/$contactId',
  component: lazyRouteComponent(() => import('./routes/contact'), 'ContactPage'),
});
const listsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'lists',
  validateSearch: validateListsSearch,
  component: lazyRouteComponent(() => import('./routes/lists'), 'ListsPage'),
});
const newSegmentRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'segments/new',
  component: lazyRouteComponent(() => import('./routes/segment'), 'NewSegmentPage'),
});
const segmentRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'segments/$segmentId',
  component: lazyRouteComponent(() => import('./routes/segment'), 'SegmentPage'),
});
const suppressionsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'suppressions',
  component: lazyRouteComponent(() => import('./routes/suppressions'), 'SuppressionsPage'),
});

const sendersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'senders',
  validateSearch: validateSendersSearch,
  component: lazyRouteComponent(() => import('./routes/senders'), 'SendersPage'),
});

const campaignsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'campaigns',
  component: lazyRouteComponent(() => import('./routes/campaigns'), 'CampaignsPage'),
});
const campaignRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'campaigns/$campaignId',
  validateSearch: validateCampaignSearch,
  component: lazyRouteComponent(() => import('./routes/campaign'), 'CampaignPage'),
});
const inboxRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'inbox',
  validateSearch: validateInboxSearch,
  component: lazyRouteComponent(() => import('./routes/inbox'), 'InboxPage'),
});
const facebookPagesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'pages',
  validateSearch: validatePagesSearch,
  component: lazyRouteComponent(() => import('./routes/facebook-pages'), 'FacebookPagesPage'),
});
const broadcastsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'broadcasts',
  component: lazyRouteComponent(() => import('./routes/broadcasts'), 'BroadcastsPage'),
});
const newBroadcastRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'broadcasts/new',
  component: lazyRouteComponent(() => import('./routes/broadcast-new'), 'NewBroadcastPage'),
});
const broadcastRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'broadcasts/$broadcastId',
  validateSearch: validateBroadcastSearch,
  component: lazyRouteComponent(() => import('./routes/broadcast'), 'BroadcastPage'),
});
const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'settings',
  component: lazyRouteComponent(() => import('./routes/settings'), 'SettingsPage'),
});

const billingRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'billing',
  validateSearch: validateBillingSearch,
  component: lazyRouteComponent(() => import('./routes/billing'), 'BillingPage'),
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  signupRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
  verifyEmailRoute,
  inviteRoute,
  appRoute.addChildren([
    dashboardRoute,
    inboxRoute,
    campaignsRoute,
    campaignRoute,
    sendersRoute,
    facebookPagesRoute,
    broadcastsRoute,
    newBroadcastRoute,
    broadcastRoute,
    contactsRoute,
    contactImportRoute,
    contactRoute,
    listsRoute,
    newSegmentRoute,
    segmentRoute,
    suppressionsRoute,
    teamRoute,
    settingsRoute,
    billingRoute,
    apiKeysRoute,
    auditLogRoute,
    profileRoute,
  ]),
]);

export const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPendingComponent: () => <FullPageSpinner />,
  defaultErrorComponent: RouteErrorPage,
  defaultNotFoundComponent: NotFoundPage,
  scrollRestoration: true,
  // Every search param here is a plain string (tokens, emails, ids, search text). The default JSON
  // parsing would turn a token like "12e4" into a number, so values are kept verbatim.
  parseSearch: parseSearchWith((value) => value),
  stringifySearch: stringifySearchWith(JSON.stringify),
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
