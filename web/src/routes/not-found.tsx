import { Link } from '@tanstack/react-router';
import { buttonClassName } from '../components/ui/Button';
import { LogoMark } from '../components/layout/Logo';
import { useDocumentTitle } from '../lib/useDocumentTitle';

export function NotFoundPage() {
  useDocumentTitle('Page not found');
  return (
    <main className="full-page-center">
      <div className="status-page">
        <LogoMark size={40} />
        <p className="status-code">404</p>
        <h1 className="status-title">Page not found</h1>
        <p className="muted">The page you're looking for doesn't exist or has moved.</p>
        <Link to="/" className={buttonClassName('primary')}>
          Go to dashboard
        </Link>
      </div>
    </main>
  );
}
