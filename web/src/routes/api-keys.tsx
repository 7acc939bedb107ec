import { useState } from 'react';
import { useApiKeys, useRevokeApiKey } from '../api/apiKeys';
import { errorMessage } from '../api/errors';
import { useWorkspace } from '../api/me';
import type { ApiKey, CreatedApiKey } from '../api/types';
import { ApiKeysTable } from '../components/api-keys/ApiKeysTable';
import { CreateApiKeyDialog } from '../components/api-keys/CreateApiKeyDialog';
import { NewApiKeyDialog } from '../components/api-keys/NewApiKeyDialog';
import { PageHeader } from '../components/layout/PageHeader';
import { Button } from '../components/ui/Button';
import { Card, CardHeader } from '../components/ui/Card';
import { ConfirmDialog } from '../components/ui/ConfirmDialog';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { TableSkeleton } from '../components/ui/Table';
import { useToast } from '../components/ui/Toast';
import { permissions } from '../lib/permissions';

const description = 'Keys let scripts and integrations call the MessageSender API on behalf of this workspace.';

function ApiKeysContent({ workspaceId }: { workspaceId: string }) {
  const keys = useApiKeys(workspaceId);
  const revokeKey = useRevokeApiKey(workspaceId);
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  function confirmRevoke() {
    if (!revoking) return;
    const key = revoking;
    revokeKey.mutate(key.id, {
      onSuccess: () => toast.success(`Revoked ${key.name}`, 'Requests using this key are now rejected.'),
      onError: (error) => toast.error("Couldn't revoke the key", errorMessage(error)),
      onSettled: () => setRevoking(null),
    });
  }

  const activeCount = keys.data?.filter((key) => !key.revokedAt).length;

  return (
    <div className="page">
      <PageHeader
        title="API keys"
        description={description}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            Create API key
          </Button>
        }
      />
      <Card aria-labelledby="api-keys-title">
        <CardHeader
          titleId="api-keys-title"
          title="Keys"
          description={activeCount === undefined ? 'Keys for this workspace.' : `${activeCount} active`}
        />
        {keys.isPending ? (
          <TableSkeleton columns={7} rows={3} label="Loading API keys" />
        ) : keys.isError ? (
          <ErrorState title="Couldn't load API keys" error={keys.error} onRetry={() => void keys.refetch()} retrying={keys.isFetching} />
        ) : keys.data.length === 0 ? (
          <EmptyState icon="key" title="No API keys yet" description="Create a key to connect your CRM, scripts or automations." />
        ) : (
          <ApiKeysTable keys={keys.data} onRevoke={setRevoking} />
        )}
      </Card>

      {creating && (
        <CreateApiKeyDialog
          workspaceId={workspaceId}
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setCreated(key);
          }}
        />
      )}
      {created && <NewApiKeyDialog apiKey={created} onClose={() => setCreated(null)} />}
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking?.name ?? 'key'}?`}
        description="Anything using this key stops working immediately. This can't be undone."
        confirmLabel="Revoke key"
        pending={revokeKey.isPending}
        onConfirm={confirmRevoke}
        onCancel={() => setRevoking(null)}
      />
    </div>
  );
}

export function ApiKeysPage() {
  const { id, role } = useWorkspace();
  if (!permissions.manageApiKeys(role)) {
    return (
      <div className="page">
        <PageHeader title="API keys" description={description} />
        <EmptyState icon="lock" title="Only owners and admins can manage API keys" description="Ask an admin of this workspace if you need a key." />
      </div>
    );
  }
  return <ApiKeysContent workspaceId={id} />;
}
