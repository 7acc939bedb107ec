import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useResetPassword } from '../api/auth';
import { AuthLayout } from '../components/layout/AuthLayout';
import { Alert } from '../components/ui/Alert';
import { Button, buttonClassName } from '../components/ui/Button';
import { TextField } from '../components/ui/Field';
import { useToast } from '../components/ui/Toast';
import { useForm } from '../lib/useForm';
import { PASSWORD_MAX, PASSWORD_MIN, validateConfirmation, validateNewPassword } from '../lib/validation';

function MissingToken() {
  return (
    <div className="form">
      <Alert tone="danger" title="This reset link is incomplete">
        Open the link from the email again, or request a new one.
      </Alert>
      <Link to="/forgot-password" className={buttonClassName('primary', 'lg', true)}>
        Request a new link
      </Link>
    </div>
  );
}

function ResetPasswordForm({ token }: { token: string }) {
  const resetPassword = useResetPassword();
  const navigate = useNavigate();
  const toast = useToast();
  const form = useForm({
    initialValues: { password: '', confirmPassword: '' },
    validate: ({ password, confirmPassword }) => ({
      password: validateNewPassword(password),
      confirmPassword: validateConfirmation(confirmPassword, password),
    }),
    onSubmit: async ({ password }) => {
      await resetPassword.mutateAsync({ token, password });
      toast.success('Password updated', 'Log in with your new password.');
      await navigate({ to: '/login', replace: true });
    },
  });

  return (
    <form className="form" onSubmit={form.handleSubmit} noValidate>
      {form.formError && (
        <Alert tone="danger" action={<Link to="/forgot-password">Get a new link</Link>}>
          {form.formError}
        </Alert>
      )}
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        autoFocus
        maxLength={PASSWORD_MAX}
        hint={`At least ${PASSWORD_MIN} characters.`}
        {...form.field('password')}
      />
      <TextField
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        maxLength={PASSWORD_MAX}
        {...form.field('confirmPassword')}
      />
      <Button type="submit" variant="primary" size="lg" fullWidth loading={resetPassword.isPending}>
        Reset password
      </Button>
    </form>
  );
}

export function ResetPasswordPage() {
  const { token } = useSearch({ from: '/reset-password' });
  return (
    <AuthLayout
      title="Choose a new password"
      subtitle="Pick a password you don't use anywhere else."
      footer={<Link to="/login">Back to log in</Link>}
    >
      {token ? <ResetPasswordForm token={token} /> : <MissingToken />}
    </AuthLayout>
  );
}
