import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useSignup } from '../api/auth';
import { AuthLayout } from '../components/layout/AuthLayout';
import { Alert } from '../components/ui/Alert';
import { Button } from '../components/ui/Button';
import { TextField } from '../components/ui/Field';
import { useToast } from '../components/ui/Toast';
import { safeRedirectPath } from '../lib/safeRedirect';
import { useForm } from '../lib/useForm';
import { NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, validateEmail, validateName, validateNewPassword } from '../lib/validation';

export function SignupPage() {
  const { next, email: invitedEmail } = useSearch({ from: '/signup' });
  const signup = useSignup();
  const navigate = useNavigate();
  const toast = useToast();

  const form = useForm({
    initialValues: { name: '', email: invitedEmail ?? '', password: '' },
    validate: ({ name, email, password }) => ({
      name: validateName(name),
      email: validateEmail(email),
      password: validateNewPassword(password),
    }),
    onSubmit: async ({ name, email, password }) => {
      const { user } = await signup.mutateAsync({ name: name.trim(), email: email.trim(), password });
      toast.success('Welcome to MessageSender', `We sent a verification link to ${user.email}.`);
      await navigate({ href: safeRedirectPath(next), replace: true });
    },
  });

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Start with a workspace of your own. You can invite your team later."
      footer={
        <>
          Already have an account?{' '}
          <Link to="/login" search={{ next }}>
            Log in
          </Link>
        </>
      }
    >
      <form className="form" onSubmit={form.handleSubmit} noValidate>
        {form.formError && <Alert tone="danger">{form.formError}</Alert>}
        <TextField label="Name" autoComplete="name" autoFocus maxLength={NAME_MAX} {...form.field('name')} />
        <TextField label="Email" type="email" autoComplete="email" {...form.field('email')} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          maxLength={PASSWORD_MAX}
          hint={`At least ${PASSWORD_MIN} characters. A short sentence works well.`}
          {...form.field('password')}
        />
        <Button type="submit" variant="primary" size="lg" fullWidth loading={signup.isPending}>
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
