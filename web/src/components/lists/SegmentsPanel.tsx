import { Link } from '@tanstack/react-router';
import { useSegments, useSegmentSize } from '../../api/lists';
import type { Segment } from '../../api/types';
import { formatDateTime, formatRelative, pluralize } from '../../lib/format';
import { buttonClassName } from '../ui/Button';
import { Card, CardHeader } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { ErrorState } from '../ui/ErrorState';
import { Icon } from '../ui/Icon';
import { Skeleton } from '../ui/Skeleton';
import { ActionsHeader, Table, TableActions, TableSkeleton } from '../ui/Table';

function SegmentSize({ workspaceId, segmentId }: { workspaceId: string; segmentId: string }) {
  const size = useSegmentSize(workspaceId, segmentId);
  if (size.isPending) return <Skeleton width={40} />;
  if (size.isError) return <span className="muted" title="Couldn't count this segment">—</span>;
  if (size.data.exact) return <>{size.data.count.toLocaleString()}</>;
  // Too slow to count within the request: the last exact count, with its age.
  return <span title={`Counted ${formatDateTime(size.data.countedAt)}; recounting`}>{size.data.count.toLocaleString()} <span className="muted">({formatRelative(size.data.countedAt)})</span></span>;
}

function conditionSummary(segment: Segment): string {
  const count = segment.filter.conditions.length;
  if (count === 0) return 'Everyone';
  return `${segment.filter.match === 'all' ? 'All' : 'Any'} of ${pluralize(count, 'condition')}`;
}

export function SegmentsPanel({ workspaceId }: { workspaceId: string }) {
  const segments = useSegments(workspaceId);
  return (
    <Card aria-labelledby="segments-title">
      <CardHeader
        titleId="segments-title"
        title="Segments"
        description="Saved filters, evaluated when used: contacts join and leave as their data changes."
        actions={
          <Link to="/segments/new" className={buttonClassName('primary')}>
            <Icon name="plus" />
            <span>New segment</span>
          </Link>
        }
      />
      {segments.isPending ? (
        <TableSkeleton columns={4} rows={3} label="Loading segments" />
      ) : segments.isError ? (
        <ErrorState title="Couldn't load segments" error={segments.error} onRetry={() => void segments.refetch()} retrying={segments.isFetching} />
      ) : segments.data.length === 0 ? (
        <EmptyState
          icon="filter"
          title="No segments yet"
          description="Combine fields, tags, lists and engagement, like “opened in the last 30 days and tagged lead”."
          action={
            <Link to="/segments/new" className={buttonClassName('secondary')}>
              <Icon name="plus" />
              <span>Create your first segment</span>
            </Link>
          }
        />
      ) : (
        <Table aria-label="Segments">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="cell-number">
                Contacts
              </th>
              <th scope="col">Rules</th>
              <th scope="col">Updated</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {segments.data.map((segment) => (
              <tr key={segment.id}>
                <td>
                  <Link to="/segments/$segmentId" params={{ segmentId: segment.id }} className="strong">
                    {segment.name}
                  </Link>
                </td>
                <td className="cell-number">
                  <SegmentSize workspaceId={workspaceId} segmentId={segment.id} />
                </td>
                <td className="muted">{conditionSummary(segment)}</td>
                <td className="muted nowrap">
                  <time dateTime={segment.updatedAt} title={formatDateTime(segment.updatedAt)}>
                    {formatRelative(segment.updatedAt)}
                  </time>
                </td>
                <td>
                  <TableActions>
                    <Link to="/contacts" search={{ segmentId: segment.id }} className={buttonClassName('ghost', 'sm')}>
                      View contacts
                    </Link>
                  </TableActions>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
