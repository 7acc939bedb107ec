import { Link } from '@tanstack/react-router';
import { useRecentImports } from '../../api/imports';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Badge } from '../ui/Badge';
import { Card, CardHeader } from '../ui/Card';
import { ActionsHeader, Table, TableActions } from '../ui/Table';
import { importStatusLabel, importStatusTone } from './importDisplay';

const SHOWN = 5;

/** Earlier imports of this workspace, to reopen a report or finish a mapping. Hidden when there are none. */
export function RecentImports({ workspaceId }: { workspaceId: string }) {
  const imports = useRecentImports(workspaceId);
  if (!imports.data || imports.data.length === 0) return null;
  return (
    <Card aria-labelledby="recent-imports-title">
      <CardHeader titleId="recent-imports-title" title="Recent imports" />
      <Table aria-label="Recent imports">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Updated</th>
            <th scope="col">Skipped</th>
            <th scope="col">Uploaded</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {imports.data.slice(0, SHOWN).map((imp) => (
            <tr key={imp.id}>
              <td className="strong">{imp.filename}</td>
              <td>
                <Badge tone={importStatusTone[imp.status]} dot>
                  {importStatusLabel[imp.status]}
                </Badge>
              </td>
              <td className="mono">{imp.status === 'completed' ? imp.createdCount.toLocaleString() : '—'}</td>
              <td className="mono">{imp.status === 'completed' ? imp.updatedCount.toLocaleString() : '—'}</td>
              <td className="mono">{imp.status === 'completed' ? imp.skippedCount.toLocaleString() : '—'}</td>
              <td className="muted nowrap">
                <time dateTime={imp.createdAt} title={formatDateTime(imp.createdAt)}>
                  {formatRelative(imp.createdAt)}
                </time>
              </td>
              <td>
                <TableActions>
                  <Link to="/contacts/import" search={{ id: imp.id }} className="link-subtle">
                    {imp.status === 'uploaded' ? 'Continue' : imp.status === 'completed' ? 'View report' : 'Open'}
                  </Link>
                </TableActions>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}
