import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { setSessionExpiredHandler } from './api/client';
import { queryClient } from './api/queryClient';
import { ToastProvider } from './components/ui/Toast';
import { router } from './router';
import './styles/index.css';

const PUBLIC_PATHS = new Set(['/login', '/signup', '/forgot-password', '/reset-password', '/verify-email', '/invite']);

// Any request that finds the session gone (and can't refresh it) lands the user on the login page,
// with a way back to where they were.
setSessionExpiredHandler(() => {
  const { pathname, href } = router.state.location;
  if (PUBLIC_PATHS.has(pathname)) return;
  void router.navigate({ to: '/login', search: { next: href }, replace: true }).then(() => queryClient.removeQueries());
});

const container = document.getElementById('root');
if (!container) throw new Error('Missing #root element in index.html');

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
