import { useState } from 'react';
import { Link } from '@tanstack/react-router';
import { errorMessage } from '../../api/errors';
import { useDeleteList, useLists } from '../../api/lists';
import type { ContactList } from '../../api/types';
import { formatDate, formatDateTime } from '../../lib/format';
import { Button } from '../ui/Button';
import { Card, CardHeader } from '../ui/Card';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { EmptyState } from '../ui/EmptyState';
import { ErrorState } from '../ui/ErrorState';
import { ActionsHeader, Table, TableActions, TableSkeleton } from '../ui/Table';
import { useToast } from '../ui/Toast';
import { ListNameDialog } from './ListNameDialog';

export function ListsPanel({ workspaceId }: { workspaceId: string }) {
  const lists = useLists(workspaceId);
  const deleteList = useDeleteList(workspaceId);
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<ContactList | null>(null);
  const [deleting, setDeleting] = useState<ContactList | null>(null);

  function confirmDelete() {
    if (!deleting) return;
    const list = deleting;
    deleteList.mutate(list.id, {
      onSuccess: () => toast.success(`Deleted ${list.name}`, 'Its contacts are still in your workspace.'),
      onError: (error) => toast.error("Couldn't delete the list", errorMessage(error)),
      onSettled: () => setDeleting(null),
    });
  }

  return (
    <Card aria-labelledby="lists-title">
      <CardHeader
        titleId="lists-title"
        title="Lists"
        description="Hand-picked groups of contacts. Add people from the contacts table or while importing."
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            New list
          </Button>
        }
      />
      {lists.isPending ? (
        <TableSkeleton columns={4} rows={3} label="Loading lists" />
      ) : lists.isError ? (
        <ErrorState title="Couldn't load lists" error={lists.error} onRetry={() => void lists.refetch()} retrying={lists.isFetching} />
      ) : lists.data.length === 0 ? (
        <EmptyState
          icon="list"
          title="No lists yet"
          description="Create a list, then add contacts to it in bulk from the contacts table."
          action={
            <Button icon="plus" onClick={() => setCreating(true)}>
              Create your first list
            </Button>
          }
        />
      ) : (
        <Table aria-label="Lists">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="cell-number">
                Contacts
              </th>
              <th scope="col">Created</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {lists.data.map((list) => (
              <tr key={list.id}>
                <td>
                  <Link to="/contacts" search={{ listId: list.id }} className="strong">
                    {list.name}
                  </Link>
                </td>
                <td className="cell-number">{list.contactCount.toLocaleString()}</td>
                <td className="muted nowrap">
                  <time dateTime={list.createdAt} title={formatDateTime(list.createdAt)}>
                    {formatDate(list.createdAt)}
                  </time>
                </td>
                <td>
                  <TableActions>
                    <Button size="sm" variant="ghost" onClick={() => setRenaming(list)}>
                      Rename
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => setDeleting(list)}>
                      Delete
                    </Button>
                  </TableActions>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {creating && <ListNameDialog workspaceId={workspaceId} onClose={() => setCreating(false)} />}
      {renaming && <ListNameDialog workspaceId={workspaceId} list={renaming} onClose={() => setRenaming(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? 'list'}?`}
        description="The list goes away; its contacts stay in your workspace. Segments that filter on this list stop matching it."
        confirmLabel="Delete list"
        pending={deleteList.isPending}
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(null)}
      />
    </Card>
  );
}
