import type { ApiKey } from '../../api/types';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import { Badge, RoleBadge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { ActionsHeader, Table, TableActions } from '../ui/Table';

interface ApiKeysTableProps {
  keys: ApiKey[];
  onRevoke: (key: ApiKey) => void;
}

export function ApiKeysTable({ keys, onRevoke }: ApiKeysTableProps) {
  return (
    <Table aria-label="API keys">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Key</th>
          <th scope="col">Role</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">Status</th>
          <ActionsHeader />
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => (
          <tr key={key.id} className={key.revokedAt ? 'row-muted' : undefined}>
            <td>
              <span className="cell-stack">
                <span className="strong">{key.name}</span>
                {key.createdBy && <span className="muted small">by {key.createdBy.name || key.createdBy.email}</span>}
              </span>
            </td>
            <td>
              <code className="code-pill">{key.prefix}…</code>
            </td>
            <td>
              <RoleBadge role={key.role} />
            </td>
            <td className="muted nowrap">
              <time dateTime={key.createdAt} title={formatDateTime(key.createdAt)}>
                {formatDate(key.createdAt)}
              </time>
            </td>
            <td className="muted nowrap">
              {key.lastUsedAt ? (
                <time dateTime={key.lastUsedAt} title={formatDateTime(key.lastUsedAt)}>
                  {formatRelative(key.lastUsedAt)}
                </time>
              ) : (
                'Never'
              )}
            </td>
            <td>
              {key.revokedAt ? (
                <span title={`Revoked ${formatDateTime(key.revokedAt)}`}>
                  <Badge tone="danger" dot>
                    Revoked
                  </Badge>
                </span>
              ) : (
                <Badge tone="success" dot>
                  Active
                </Badge>
              )}
            </td>
            <td>
              <TableActions>
                {!key.revokedAt && (
                  <Button size="sm" variant="ghost" onClick={() => onRevoke(key)}>
                    Revoke
                  </Button>
                )}
              </TableActions>
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
