import { useEffect, useRef } from 'react';
import { Link, useSearch } from '@tanstack/react-router';
import { useVerifyEmail } from '../api/auth';
import { errorMessage } from '../api/errors';
import { AuthLayout } from '../components/layout/AuthLayout';
import { Alert } from '../components/ui/Alert';
import { buttonClassName } from '../components/ui/Button';
import { Spinner } from '../components/ui/Spinner';

function VerifyToken({ token }: { token: string }) {
  const verify = useVerifyEmail();
  const started = useRef(false);

  useEffect(() => {
    // Tokens are single-use: a second call (StrictMode re-runs effects) would report failure.
    if (started.current) return;
    started.current = true;
    verify.mutate(token);
  }, [token, verify]);

  if (verify.isSuccess) {
    return (
      <div className="form">
        <Alert tone="success" title="Email verified">
          Thanks for confirming your address. You're all set.
        </Alert>
        <Link to="/" className={buttonClassName('primary', 'lg', true)}>
          Continue to dashboard
        </Link>
      </div>
    );
  }

  if (verify.isError) {
    return (
      <div className="form">
        <Alert tone="danger" title="We couldn't verify your email">
          {errorMessage(verify.error)} Log in and use “Resend email” to get a new link.
        </Alert>
        <Link to="/" className={buttonClassName('secondary', 'lg', true)}>
          Go to MessageSender
        </Link>
      </div>
    );
  }

  return (
    <div className="centered-status">
      <Spinner size="lg" />
      <p>Verifying your email…</p>
    </div>
  );
}

export function VerifyEmailPage() {
  const { token } = useSearch({ from: '/verify-email' });
  return (
    <AuthLayout title="Verify your email">
      {token ? (
        <VerifyToken token={token} />
      ) : (
        <Alert tone="danger" title="This verification link is incomplete">
          Open the link from the email again, or log in and use “Resend email”.
        </Alert>
      )}
    </AuthLayout>
  );
}
