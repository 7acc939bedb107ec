import { useState } from 'react';
import { errorMessage } from '../api/errors';
import { useWorkspace } from '../api/me';
import { useDeleteSuppression, useSuppressions } from '../api/suppressions';
import type { Suppression } from '../api/types';
import { PageHeader } from '../components/layout/PageHeader';
import { AddSuppressionsDialog } from '../components/suppressions/AddSuppressionsDialog';
import { kindLabel, kindTone, reasonLabel } from '../components/suppressions/suppressionDisplay';
import { UploadSuppressionsDialog } from '../components/suppressions/UploadSuppressionsDialog';
import { Badge } from '../components/ui/Badge';
import { Button } from '../components/ui/Button';
import { Card } from '../components/ui/Card';
import { ConfirmDialog } from '../components/ui/ConfirmDialog';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { LoadMoreFooter } from '../components/ui/LoadMore';
import { SearchInput } from '../components/ui/SearchInput';
import { ActionsHeader, Table, TableActions, TableSkeleton } from '../components/ui/Table';
import { useToast } from '../components/ui/Toast';
import { formatDate, formatDateTime } from '../lib/format';
import { permissions } from '../lib/permissions';
import { useDebouncedValue } from '../lib/useDebouncedValue';

const PAGE_SIZE = 100;

function SuppressionValue({ suppression }: { suppression: Suppression }) {
  if (suppression.kind === 'email_hash') {
    // Only a salted hash is left of an erased address; the Kind column names it.
    return (
      <code className="code-pill" title={`One-way hash of an erased address: ${suppression.value}`}>
        {suppression.value.slice(0, 12)}…
      </code>
    );
  }
  return <span className="strong suppression-value">{suppression.kind === 'domain' ? `@${suppression.value}` : suppression.value}</span>;
}

export function SuppressionsPage() {
  const { id: workspaceId, role } = useWorkspace();
  const [search, setSearch] = useState('');
  const debounced = useDebouncedValue(search.trim(), 300);
  const suppressions = useSuppressions(workspaceId, debounced, PAGE_SIZE);
  const remove = useDeleteSuppression(workspaceId);
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const [uploading, setUploading] = useState(false);
  const [removing, setRemoving] = useState<Suppression | null>(null);
  const canRemove = permissions.deleteSuppressions(role);

  const items = suppressions.data?.pages.flatMap((page) => page.items) ?? [];

  function confirmRemove() {
    if (!removing) return;
    const entry = removing;
    remove.mutate(entry.id, {
      onSuccess: () => toast.success(`Removed ${entry.value}`, 'It can be imported and contacted again.'),
      onError: (error) => toast.error("Couldn't remove the suppression", errorMessage(error)),
      onSettled: () => setRemoving(null),
    });
  }

  return (
    <div className="page">
      <PageHeader
        title="Suppressions"
        description="Addresses and domains that are never imported or contacted."
        actions={
          <>
            <Button icon="upload" onClick={() => setUploading(true)}>
              Upload CSV
            </Button>
            <Button variant="primary" icon="plus" onClick={() => setAdding(true)}>
              Add
            </Button>
          </>
        }
      />
      <Card aria-label="Suppression list">
        <div className="toolbar">
          <SearchInput className="toolbar-search" label="Search suppressions" placeholder="Search addresses and domains" value={search} onChange={setSearch} />
        </div>
        {suppressions.isPending ? (
          <TableSkeleton columns={6} rows={5} label="Loading suppressions" />
        ) : suppressions.isError && !suppressions.data ? (
          <ErrorState title="Couldn't load suppressions" error={suppressions.error} onRetry={() => void suppressions.refetch()} retrying={suppressions.isFetching} />
        ) : items.length === 0 ? (
          debounced ? (
            <EmptyState icon="search" title={`Nothing matches “${debounced}”`} description="The address or domain isn't suppressed." />
          ) : (
            <EmptyState
              icon="shield"
              title="No suppressions yet"
              description="Unsubscribes, bounces and spam complaints are added automatically. Use Add or Upload CSV to block addresses or whole domains yourself."
            />
          )
        ) : (
          <>
            <Table aria-label="Suppressions" stale={suppressions.isPlaceholderData}>
              <thead>
                <tr>
                  <th scope="col">Value</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Note</th>
                  <th scope="col">Added</th>
                  <ActionsHeader />
                </tr>
              </thead>
              <tbody>
                {items.map((entry) => (
                  <tr key={entry.id}>
                    <td>
                      <SuppressionValue suppression={entry} />
                    </td>
                    <td>
                      <Badge tone={kindTone[entry.kind]}>{kindLabel[entry.kind]}</Badge>
                    </td>
                    <td>{reasonLabel[entry.reason] ?? entry.reason}</td>
                    <td className="muted suppression-note">{entry.note ?? '—'}</td>
                    <td className="muted nowrap">
                      <time dateTime={entry.createdAt} title={formatDateTime(entry.createdAt)}>
                        {formatDate(entry.createdAt)}
                      </time>
                    </td>
                    <td>
                      <TableActions>
                        {canRemove && entry.kind !== 'email_hash' && (
                          <Button size="sm" variant="ghost" onClick={() => setRemoving(entry)}>
                            Remove
                          </Button>
                        )}
                      </TableActions>
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <LoadMoreFooter
              summary={`${items.length.toLocaleString()} shown`}
              query={suppressions}
              endMessage={items.length > PAGE_SIZE ? "That's all of them." : undefined}
            />
          </>
        )}
      </Card>
      {adding && <AddSuppressionsDialog workspaceId={workspaceId} onClose={() => setAdding(false)} />}
      {uploading && <UploadSuppressionsDialog workspaceId={workspaceId} onClose={() => setUploading(false)} />}
      <ConfirmDialog
        open={removing !== null}
        title="Remove this suppression?"
        description={`${removing?.value ?? 'This entry'} can be imported and contacted again. Only do this if the person asked to hear from you again.`}
        confirmLabel="Remove suppression"
        pending={remove.isPending}
        onConfirm={confirmRemove}
        onCancel={() => setRemoving(null)}
      />
    </div>
  );
}
