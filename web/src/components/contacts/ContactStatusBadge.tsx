import type { ContactStatus } from '../../api/types';
import { Badge } from '../ui/Badge';
import { statusLabel, statusTone } from './contactDisplay';

export function ContactStatusBadge({ status }: { status: ContactStatus }) {
  return (
    <Badge tone={statusTone[status]} dot>
      {statusLabel[status]}
    </Badge>
  );
}

export function TagList({ tags, max = 3 }: { tags: string[]; max?: number }) {
  if (tags.length === 0) return <span className="muted">—</span>;
  const shown = tags.slice(0, max);
  const rest = tags.length - shown.length;
  return (
    <span className="tag-list">
      {shown.map((tag) => (
        <span key={tag} className="chip" title={tag}>
          {tag}
        </span>
      ))}
      {rest > 0 && (
        <span className="chip chip-more" title={tags.slice(max).join(', ')}>
          +{rest}
        </span>
      )}
    </span>
  );
}
