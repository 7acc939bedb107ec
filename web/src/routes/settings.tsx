import { useWorkspace } from '../api/me';
import type { Workspace } from '../api/types';
import { useUpdateWorkspace, useWorkspaceSettings } from '../api/workspaces';
import { PageHeader } from '../components/layout/PageHeader';
import { Alert } from '../components/ui/Alert';
import { Button } from '../components/ui/Button';
import { Card, CardBody, CardFooter, CardHeader } from '../components/ui/Card';
import { ErrorState } from '../components/ui/ErrorState';
import { TextareaField, TextField } from '../components/ui/Field';
import { SkeletonText } from '../components/ui/Skeleton';
import { useToast } from '../components/ui/Toast';
import { permissions } from '../lib/permissions';
import { useForm } from '../lib/useForm';

const POSTAL_MAX = 500;
const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

// The same rules as the server, so most mistakes show before a round trip.
function validatePostalAddress(value: string): string | undefined {
  const address = value.trim();
  if (address.length > POSTAL_MAX) return `Keep it under ${POSTAL_MAX + 1} characters.`;
  if (address && address.length < 10) return 'That looks too short for a postal address.';
  return undefined;
}

function validateTrackingDomain(value: string): string | undefined {
  const host = value.trim().toLowerCase().replace(/\.$/, '');
  if (!host) return undefined;
  if (/^[a-z]+:\/\//.test(host) || host.includes('/')) return 'Enter only the host name, without https:// or a path.';
  if (!HOST_NAME.test(host)) return 'Enter a host name such as track.example.com.';
  return undefined;
}

function SendingSettingsForm({ workspace, canManage }: { workspace: Workspace; canManage: boolean }) {
  const update = useUpdateWorkspace(workspace.id);
  const toast = useToast();
  const initial = { postalAddress: workspace.postalAddress ?? '', trackingDomain: workspace.trackingDomain ?? '' };
  const form = useForm({
    initialValues: initial,
    validate: ({ postalAddress, trackingDomain }) => ({
      postalAddress: validatePostalAddress(postalAddress),
      trackingDomain: validateTrackingDomain(trackingDomain),
    }),
    labels: { postalAddress: 'Postal address', trackingDomain: 'Tracking domain' },
    onSubmit: async ({ postalAddress, trackingDomain }) => {
      const saved = await update.mutateAsync({ postalAddress: postalAddress.trim() || null, trackingDomain: trackingDomain.trim() || null });
      form.reset({ postalAddress: saved.postalAddress ?? '', trackingDomain: saved.trackingDomain ?? '' });
      toast.success('Sending settings saved', saved.postalAddress ? 'Every campaign email carries the new footer.' : undefined);
    },
  });
  const unchanged = form.values.postalAddress.trim() === initial.postalAddress.trim() && form.values.trackingDomain.trim() === initial.trackingDomain.trim();

  return (
    <form onSubmit={form.handleSubmit} noValidate>
      <CardBody className="form">
        {form.formError && <Alert tone="danger">{form.formError}</Alert>}
        {!workspace.postalAddress && (
          <Alert tone="warning" title="Campaigns can't launch yet">
            Anti-spam laws (CAN-SPAM, CASL and others) require a physical postal address in every marketing email.
          </Alert>
        )}
        <TextareaField
          label="Postal address"
          rows={3}
          maxLength={POSTAL_MAX}
          placeholder={'Acme Inc.\n1 Market Street\nSpringfield 12345, USA'}
          hint="Printed in the footer of every campaign email, above the unsubscribe link."
          readOnly={!canManage}
          {...form.field('postalAddress')}
        />
        <TextField
          label="Tracking domain"
          placeholder="track.example.com"
          autoComplete="off"
          spellCheck={false}
          hint="Optional. Open, click and unsubscribe links use this host instead of this server's address. Point it at this server with a CNAME record first."
          readOnly={!canManage}
          {...form.field('trackingDomain')}
        />
      </CardBody>
      {canManage && (
        <CardFooter>
          <Button type="submit" variant="primary" loading={update.isPending} disabled={unchanged}>
            Save
          </Button>
        </CardFooter>
      )}
    </form>
  );
}

export function SettingsPage() {
  const { id: workspaceId, name, role } = useWorkspace();
  const workspace = useWorkspaceSettings(workspaceId);
  const canManage = permissions.manageWorkspace(role);

  return (
    <div className="page page-narrow">
      <PageHeader title="Workspace settings" description={`Settings every campaign in ${name} uses.`} />
      <Card aria-labelledby="sending-settings-title">
        <CardHeader
          titleId="sending-settings-title"
          title="Sending"
          description={canManage ? 'The footer and link host of your campaign emails.' : 'Only owners and admins can change these.'}
        />
        {workspace.isPending ? (
          <CardBody>
            <SkeletonText lines={4} />
          </CardBody>
        ) : workspace.isError ? (
          <ErrorState title="Couldn't load the settings" error={workspace.error} onRetry={() => void workspace.refetch()} retrying={workspace.isFetching} />
        ) : (
          <SendingSettingsForm key={workspace.data.id} workspace={workspace.data} canManage={canManage} />
        )}
      </Card>
    </div>
  );
}
