import { useResendVerificationEmail } from '../../api/auth';
import { errorMessage } from '../../api/errors';
import { Button } from '../ui/Button';
import { Icon } from '../ui/Icon';
import { useToast } from '../ui/Toast';

export function VerifyEmailBanner({ email }: { email: string }) {
  const resend = useResendVerificationEmail();
  const toast = useToast();

  return (
    <div className="banner" role="region" aria-label="Email verification">
      <Icon name="mail" className="banner-icon" />
      <p className="banner-text">
        <strong>Verify your email address</strong>
        <span> Click the link we sent to {email} to confirm it.</span>
      </p>
      <Button
        size="sm"
        variant="secondary"
        loading={resend.isPending}
        disabled={resend.isSuccess}
        onClick={() =>
          resend.mutate(undefined, {
            onSuccess: () => toast.success('Verification email sent', `Check the inbox of ${email}.`),
            onError: (error) => toast.error("Couldn't send the email", errorMessage(error)),
          })
        }
      >
        {resend.isSuccess ? 'Email sent' : 'Resend email'}
      </Button>
    </div>
  );
}
