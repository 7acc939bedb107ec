import type { AuditEntry } from '../../api/types';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Avatar } from '../ui/Avatar';
import { Table } from '../ui/Table';
import { describeTarget } from './describeAction';

function Actor({ actor, apiKeyId }: Pick<AuditEntry, 'actor' | 'apiKeyId'>) {
  if (!actor) return <span className="muted">{apiKeyId ? 'API key' : 'System'}</span>;
  return (
    <span className="person">
      <Avatar name={actor.name || actor.email} seed={actor.id} size="sm" />
      <span className="person-text">
        <span className="person-name">{actor.name || actor.email}</span>
        {actor.name && <span className="person-email">{actor.email}</span>}
      </span>
    </span>
  );
}

export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <Table aria-label="Audit log entries">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Actor</th>
          <th scope="col">Action</th>
          <th scope="col">Target</th>
          <th scope="col">IP</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.id}>
            <td className="nowrap">
              <time dateTime={entry.createdAt} title={formatRelative(entry.createdAt)}>
                {formatDateTime(entry.createdAt)}
              </time>
            </td>
            <td>
              <Actor actor={entry.actor} apiKeyId={entry.apiKeyId} />
            </td>
            <td>
              <code className="code-pill">{entry.action}</code>
            </td>
            <td className="muted" title={entry.targetId ?? undefined}>
              {describeTarget(entry.targetType, entry.targetId)}
            </td>
            <td className="mono muted nowrap">{entry.ip ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
