import type { ReactNode } from 'react';
import { Icon, type IconName } from '../ui/Icon';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { Logo } from './Logo';

interface AuthLayoutProps {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}

const highlights: { icon: IconName; title: string; text: string }[] = [
  { icon: 'mail', title: 'Cold email that lands', text: 'Sequences from your own mailboxes, with sending limits you control.' },
  { icon: 'send', title: 'Messenger in the same flow', text: 'Reach leads on Facebook Messenger without switching tools.' },
  { icon: 'shield', title: 'Yours to host', text: 'Open source. Your data stays on your servers.' },
];

/** Public pages (log in, sign up, reset, invites) share one frame with a product panel on wide screens. */
export function AuthLayout({ title, subtitle, children, footer }: AuthLayoutProps) {
  useDocumentTitle(title);
  return (
    <div className="auth-page">
      <main className="auth-main">
        <div className="auth-brand">
          <Logo />
        </div>
        <div className="auth-panel">
          <h1 className="auth-title">{title}</h1>
          {subtitle && <p className="auth-subtitle">{subtitle}</p>}
          <div className="auth-content">{children}</div>
        </div>
        {footer && <div className="auth-footer">{footer}</div>}
      </main>
      <aside className="auth-aside" aria-label="About MessageSender">
        <div className="auth-aside-inner">
          <p className="auth-aside-kicker">Outreach, one inbox</p>
          <p className="auth-aside-headline">Cold email and Messenger conversations, side by side.</p>
          <ul className="auth-highlights">
            {highlights.map((item) => (
              <li key={item.title}>
                <span className="auth-highlight-icon">
                  <Icon name={item.icon} size={18} />
                </span>
                <span>
                  <strong>{item.title}</strong>
                  <span>{item.text}</span>
                </span>
              </li>
            ))}
          </ul>
        </div>
      </aside>
    </div>
  );
}
