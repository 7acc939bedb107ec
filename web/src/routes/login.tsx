import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useLogin } from '../api/auth';
import { AuthLayout } from '../components/layout/AuthLayout';
import { Alert } from '../components/ui/Alert';
import { Button } from '../components/ui/Button';
import { TextField } from '../components/ui/Field';
import { safeRedirectPath } from '../lib/safeRedirect';
import { useForm } from '../lib/useForm';
import { validateEmail, validateRequired } from '../lib/validation';

export function LoginPage() {
  const { next } = useSearch({ from: '/login' });
  const login = useLogin();
  const navigate = useNavigate();

  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: ({ email, password }) => ({
      email: validateEmail(email),
      password: validateRequired(password, 'Enter your password.'),
    }),
    onSubmit: async ({ email, password }) => {
      await login.mutateAsync({ email: email.trim(), password });
      await navigate({ href: safeRedirectPath(next), replace: true });
    },
  });

  return (
    <AuthLayout
      title="Log in to MessageSender"
      subtitle="Welcome back. Enter your details to continue."
      footer={
        <>
          New to MessageSender?{' '}
          <Link to="/signup" search={{ next }}>
            Create an account
          </Link>
        </>
      }
    >
      <form className="form" onSubmit={form.handleSubmit} noValidate>
        {form.formError && <Alert tone="danger">{form.formError}</Alert>}
        <TextField label="Email" type="email" autoComplete="email" autoFocus {...form.field('email')} />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          labelAside={
            <Link to="/forgot-password" className="field-aside-link">
              Forgot password?
            </Link>
          }
          {...form.field('password')}
        />
        <Button type="submit" variant="primary" size="lg" fullWidth loading={login.isPending}>
          Log in
        </Button>
      </form>
    </AuthLayout>
  );
}
