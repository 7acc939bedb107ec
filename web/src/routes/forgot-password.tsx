import { Link } from '@tanstack/react-router';
import { useRequestPasswordReset } from '../api/auth';
import { AuthLayout } from '../components/layout/AuthLayout';
import { Alert } from '../components/ui/Alert';
import { Button, buttonClassName } from '../components/ui/Button';
import { TextField } from '../components/ui/Field';
import { useForm } from '../lib/useForm';
import { validateEmail } from '../lib/validation';

export function ForgotPasswordPage() {
  const requestReset = useRequestPasswordReset();
  const form = useForm({
    initialValues: { email: '' },
    validate: ({ email }) => ({ email: validateEmail(email) }),
    onSubmit: ({ email }) => requestReset.mutateAsync(email.trim()),
  });

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="Enter the email you signed up with and we'll send you a link to choose a new password."
      footer={
        <>
          Remembered it? <Link to="/login">Back to log in</Link>
        </>
      }
    >
      {requestReset.isSuccess ? (
        <div className="form">
          {/* The server answers the same way for unknown addresses, so we can't say more. */}
          <Alert tone="success" title="If an account exists, we sent a link">
            Check the inbox of {form.values.email.trim()}. The email can take a minute to arrive.
          </Alert>
          <Link to="/login" className={buttonClassName('secondary', 'lg', true)}>
            Back to log in
          </Link>
        </div>
      ) : (
        <form className="form" onSubmit={form.handleSubmit} noValidate>
          {form.formError && <Alert tone="danger">{form.formError}</Alert>}
          <TextField label="Email" type="email" autoComplete="email" autoFocus {...form.field('email')} />
          <Button type="submit" variant="primary" size="lg" fullWidth loading={requestReset.isPending}>
            Send reset link
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
