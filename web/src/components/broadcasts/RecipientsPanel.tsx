import { Link } from '@tanstack/react-router';
import { RECIPIENT_STATUSES, useBroadcastRecipients, type Broadcast, type RecipientStatus } from '../../api/messenger';
import { formatDateTime } from '../../lib/format';
import { Badge } from '../ui/Badge';
import { Card, CardHeader } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { ErrorState } from '../ui/ErrorState';
import { FilterSelect } from '../ui/FilterSelect';
import { LoadMoreFooter } from '../ui/LoadMore';
import { Table, TableSkeleton } from '../ui/Table';
import { recipientStatusLabel, recipientStatusTone } from './broadcastDisplay';

const PAGE_SIZE = 50;

interface RecipientsPanelProps {
  workspaceId: string;
  broadcast: Broadcast;
  live: boolean;
  status: RecipientStatus | undefined;
  onStatusChange: (status: RecipientStatus | undefined) => void;
}

/** Every recipient with what happened and why; filtered to "Skipped" it is the skip list. */
export function RecipientsPanel({ workspaceId, broadcast, live, status, onStatusChange }: RecipientsPanelProps) {
  const pages = useBroadcastRecipients(workspaceId, broadcast.id, status, PAGE_SIZE, live);
  const recipients = pages.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Card aria-labelledby="recipients-title">
      <CardHeader
        titleId="recipients-title"
        title={status === 'skipped' ? 'Skip list' : 'Recipients'}
        description={status === 'skipped' ? 'People this broadcast did not go to, and why.' : 'Everyone in the audience who is a Messenger subscriber of the page.'}
      />
      <div className="toolbar">
        <div className="toolbar-filters">
          <FilterSelect
            label="Status"
            value={status ?? ''}
            onChange={(value) => onStatusChange((value || undefined) as RecipientStatus | undefined)}
            options={RECIPIENT_STATUSES.map((s) => ({ value: s, label: recipientStatusLabel[s] }))}
          />
        </div>
      </div>
      {pages.isPending ? (
        <TableSkeleton columns={4} rows={4} label="Loading recipients" />
      ) : pages.isError && recipients.length === 0 ? (
        <ErrorState title="Couldn't load recipients" error={pages.error} onRetry={() => void pages.refetch()} retrying={pages.isFetching} />
      ) : recipients.length === 0 ? (
        <EmptyState icon="contacts" title={status ? `No one is ${recipientStatusLabel[status].toLowerCase()}` : 'No recipients'} description={status ? 'Try another status.' : undefined} />
      ) : (
        <>
          <Table aria-label="Broadcast recipients" stale={pages.isPlaceholderData}>
            <thead>
              <tr>
                <th scope="col">Contact</th>
                <th scope="col">Status</th>
                <th scope="col">Details</th>
                <th scope="col">Sent</th>
              </tr>
            </thead>
            <tbody>
              {recipients.map((r) => (
                <tr key={r.contactId}>
                  <td>
                    <Link to="/contacts/$contactId" params={{ contactId: r.contactId }}>
                      {r.name ?? 'Unnamed subscriber'}
                    </Link>
                  </td>
                  <td>
                    <Badge tone={recipientStatusTone[r.status]} dot>
                      {recipientStatusLabel[r.status]}
                    </Badge>
                  </td>
                  <td className="muted small">
                    {r.reason ?? '—'}
                    {r.attempts > 1 && <span> ({r.attempts} attempts)</span>}
                  </td>
                  <td className="muted nowrap">{r.sentAt ? <time dateTime={r.sentAt}>{formatDateTime(r.sentAt)}</time> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </Table>
          <LoadMoreFooter
            summary={`Showing ${recipients.length.toLocaleString()}`}
            query={pages}
          />
        </>
      )}
    </Card>
  );
}
