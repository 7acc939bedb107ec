import { Link } from '@tanstack/react-router';
import { useLists, useSegments, useSegmentSize } from '../../api/lists';
import type { Segment } from '../../api/types';
import { formatRelative } from '../../lib/format';
import { buttonClassName } from '../ui/Button';
import { Card, CardBody, CardHeader } from '../ui/Card';
import { Checkbox } from '../ui/Checkbox';
import { EmptyState } from '../ui/EmptyState';
import { ErrorState } from '../ui/ErrorState';
import { Icon } from '../ui/Icon';
import { SkeletonText } from '../ui/Skeleton';
import type { DraftErrors } from './campaignDraft';

interface AudienceSectionProps {
  workspaceId: string;
  listIds: string[];
  segmentIds: string[];
  errors: DraftErrors;
  disabled: boolean;
  onChange: (audience: { listIds: string[]; segmentIds: string[] }, field: string) => void;
}

const toggle = (ids: string[], id: string, on: boolean) => (on ? [...ids, id].sort() : ids.filter((x) => x !== id));

function SegmentOption({ workspaceId, segment, checked, disabled, error, onToggle }: { workspaceId: string; segment: Segment; checked: boolean; disabled: boolean; error?: string; onToggle: (on: boolean) => void }) {
  const size = useSegmentSize(workspaceId, segment.id);
  return (
    <li>
      <Checkbox
        label={segment.name}
        description={error ?? (size.data === undefined ? 'Counting…' : `${size.data.count.toLocaleString()} ${size.data.count === 1 ? 'contact matches' : 'contacts match'} ${size.data.exact ? 'now' : `(counted ${formatRelative(size.data.countedAt)})`}`)}
        checked={checked}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        onChange={(event) => onToggle(event.target.checked)}
      />
    </li>
  );
}

export function AudienceSection({ workspaceId, listIds, segmentIds, errors, disabled, onChange }: AudienceSectionProps) {
  const lists = useLists(workspaceId);
  const segments = useSegments(workspaceId);
  const problems = ['audience', 'audience.listIds', 'audience.segmentIds'].flatMap((key) => (errors[key] ? [errors[key]] : []));
  // An id the server refused is named by its index in what was sent.
  const errorFor = (kind: 'listIds' | 'segmentIds', id: string) => {
    const index = (kind === 'listIds' ? listIds : segmentIds).indexOf(id);
    return errors[`audience.${kind}.${index}`];
  };

  return (
    <div className="stack">
      <p className="muted">
        Everyone in the chosen lists and segments is enrolled once, even if they are in several. Unsubscribed, bounced and suppressed contacts are always left
        out. Contacts who join later are enrolled while the campaign runs.
      </p>
      {problems.length > 0 && (
        <p className="field-error" role="alert">
          <Icon name="alert" size={14} />
          <span>{problems.join(' ')}</span>
        </p>
      )}
      <Card aria-labelledby="audience-lists-title">
        <CardHeader
          titleId="audience-lists-title"
          title="Lists"
          actions={
            <Link to="/lists" className={buttonClassName('ghost', 'sm')}>
              Manage lists
            </Link>
          }
        />
        <CardBody>
          {lists.isPending ? (
            <SkeletonText lines={3} />
          ) : lists.isError ? (
            <ErrorState title="Couldn't load lists" error={lists.error} onRetry={() => void lists.refetch()} retrying={lists.isFetching} />
          ) : lists.data.length === 0 ? (
            <EmptyState compact icon="list" title="No lists yet" description="Create a list and add contacts to it, or import a CSV into one." />
          ) : (
            <ul className="choice-list" aria-label="Lists">
              {lists.data.map((list) => (
                <li key={list.id}>
                  <Checkbox
                    label={list.name}
                    description={errorFor('listIds', list.id) ?? `${list.contactCount.toLocaleString()} ${list.contactCount === 1 ? 'contact' : 'contacts'}`}
                    checked={listIds.includes(list.id)}
                    disabled={disabled}
                    aria-invalid={errorFor('listIds', list.id) ? true : undefined}
                    onChange={(event) => onChange({ listIds: toggle(listIds, list.id, event.target.checked), segmentIds }, 'audience')}
                  />
                </li>
              ))}
            </ul>
          )}
        </CardBody>
      </Card>
      <Card aria-labelledby="audience-segments-title">
        <CardHeader
          titleId="audience-segments-title"
          title="Segments"
          description="Evaluated when contacts are enrolled, so the audience follows the rules."
          actions={
            <Link to="/segments/new" className={buttonClassName('ghost', 'sm')}>
              New segment
            </Link>
          }
        />
        <CardBody>
          {segments.isPending ? (
            <SkeletonText lines={3} />
          ) : segments.isError ? (
            <ErrorState title="Couldn't load segments" error={segments.error} onRetry={() => void segments.refetch()} retrying={segments.isFetching} />
          ) : segments.data.length === 0 ? (
            <EmptyState compact icon="filter" title="No segments yet" description="Segments pick contacts by rules: fields, tags, engagement, lists." />
          ) : (
            <ul className="choice-list" aria-label="Segments">
              {segments.data.map((segment) => (
                <SegmentOption
                  key={segment.id}
                  workspaceId={workspaceId}
                  segment={segment}
                  checked={segmentIds.includes(segment.id)}
                  disabled={disabled}
                  error={errorFor('segmentIds', segment.id)}
                  onToggle={(on) => onChange({ listIds, segmentIds: toggle(segmentIds, segment.id, on) }, 'audience')}
                />
              ))}
            </ul>
          )}
        </CardBody>
      </Card>
    </div>
  );
}
