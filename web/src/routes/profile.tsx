import { useChangePassword, useSession, useUpdateProfile } from '../api/me';
import { PageHeader } from '../components/layout/PageHeader';
import { Alert } from '../components/ui/Alert';
import { Avatar } from '../components/ui/Avatar';
import { Badge } from '../components/ui/Badge';
import { Button } from '../components/ui/Button';
import { Card, CardBody, CardFooter, CardHeader } from '../components/ui/Card';
import { TextField } from '../components/ui/Field';
import { useToast } from '../components/ui/Toast';
import { formatDate } from '../lib/format';
import { useForm } from '../lib/useForm';
import {
  NAME_MAX,
  PASSWORD_MAX,
  PASSWORD_MIN,
  validateConfirmation,
  validateName,
  validateNewPassword,
  validateRequired,
} from '../lib/validation';

function AccountCard() {
  const { user } = useSession();
  return (
    <Card aria-labelledby="account-title">
      <CardHeader titleId="account-title" title="Account" />
      <CardBody>
        <div className="profile-identity">
          <Avatar name={user.name || user.email} seed={user.id} size="lg" />
          <div>
            <p className="strong">{user.name}</p>
            <p className="muted">Member since {formatDate(user.createdAt)}</p>
          </div>
        </div>
        <dl className="details-list">
          <div>
            <dt>Email</dt>
            <dd>
              <span>{user.email}</span>
              {user.emailVerified ? (
                <Badge tone="success" dot>
                  Verified
                </Badge>
              ) : (
                <Badge tone="warning" dot>
                  Not verified
                </Badge>
              )}
            </dd>
          </div>
          {user.isInstanceAdmin && (
            <div>
              <dt>Instance</dt>
              <dd>
                <Badge tone="accent">Instance admin</Badge>
              </dd>
            </div>
          )}
        </dl>
      </CardBody>
    </Card>
  );
}

function NameCard() {
  const { user } = useSession();
  const updateProfile = useUpdateProfile();
  const toast = useToast();
  const form = useForm({
    initialValues: { name: user.name },
    validate: ({ name }) => ({ name: validateName(name) }),
    onSubmit: async ({ name }) => {
      await updateProfile.mutateAsync({ name: name.trim() });
      toast.success('Name updated');
    },
  });

  return (
    <Card aria-labelledby="name-title">
      <form onSubmit={form.handleSubmit} noValidate>
        <CardHeader titleId="name-title" title="Your name" description="Shown to teammates in every workspace." />
        <CardBody className="form">
          {form.formError && <Alert tone="danger">{form.formError}</Alert>}
          <TextField label="Name" autoComplete="name" maxLength={NAME_MAX} {...form.field('name')} />
        </CardBody>
        <CardFooter>
          <Button
            type="submit"
            variant="primary"
            loading={updateProfile.isPending}
            disabled={form.values.name.trim() === user.name}
          >
            Save
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

const emptyPasswords = { currentPassword: '', newPassword: '', confirmPassword: '' };

function PasswordCard() {
  const changePassword = useChangePassword();
  const toast = useToast();
  const form = useForm({
    initialValues: emptyPasswords,
    validate: ({ currentPassword, newPassword, confirmPassword }) => ({
      currentPassword: validateRequired(currentPassword, 'Enter your current password.'),
      newPassword: validateNewPassword(newPassword),
      confirmPassword: validateConfirmation(confirmPassword, newPassword),
    }),
    onSubmit: async ({ currentPassword, newPassword }) => {
      await changePassword.mutateAsync({ currentPassword, newPassword });
      form.reset(emptyPasswords);
      toast.success('Password changed');
    },
  });

  return (
    <Card aria-labelledby="password-title">
      <form onSubmit={form.handleSubmit} noValidate>
        <CardHeader titleId="password-title" title="Password" description="Use at least 10 characters you don't use elsewhere." />
        <CardBody className="form">
          {form.formError && <Alert tone="danger">{form.formError}</Alert>}
          <TextField label="Current password" type="password" autoComplete="current-password" {...form.field('currentPassword')} />
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            maxLength={PASSWORD_MAX}
            hint={`At least ${PASSWORD_MIN} characters.`}
            {...form.field('newPassword')}
          />
          <TextField
            label="Confirm new password"
            type="password"
            autoComplete="new-password"
            maxLength={PASSWORD_MAX}
            {...form.field('confirmPassword')}
          />
        </CardBody>
        <CardFooter>
          <Button type="submit" variant="primary" loading={changePassword.isPending}>
            Change password
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

export function ProfilePage() {
  return (
    <div className="page page-narrow">
      <PageHeader title="Profile" description="Your personal settings. They apply in every workspace." />
      <div className="stack">
        <AccountCard />
        <NameCard />
        <PasswordCard />
      </div>
    </div>
  );
}
