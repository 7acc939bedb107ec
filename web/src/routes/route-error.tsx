import { useRouter, type ErrorComponentProps } from '@tanstack/react-router';
import { errorMessage } from '../api/errors';
import { LogoMark } from '../components/layout/Logo';
import { Button } from '../components/ui/Button';
import { useDocumentTitle } from '../lib/useDocumentTitle';

/** Last-resort screen for errors no page handled itself (e.g. /me failing with a 500). */
export function RouteErrorPage({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  useDocumentTitle('Something went wrong');
  return (
    <main className="full-page-center">
      <div className="status-page" role="alert">
        <LogoMark size={40} />
        <h1 className="status-title">Something went wrong</h1>
        <p className="muted">{errorMessage(error)}</p>
        <Button
          variant="primary"
          onClick={() => {
            reset();
            void router.invalidate();
          }}
        >
          Try again
        </Button>
      </div>
    </main>
  );
}
