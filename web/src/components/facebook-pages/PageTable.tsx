import type { ConnectedPage } from '../../api/messenger';
import { formatDate } from '../../lib/format';
import { pageStatusLabel, pageStatusTone } from '../broadcasts/broadcastDisplay';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { ActionsHeader, Table, TableActions } from '../ui/Table';

interface PageTableProps {
  pages: ConnectedPage[];
  canManage: boolean;
  onReconnect: () => void;
  onDisconnect: (page: ConnectedPage) => void;
}

export function PageTable({ pages, canManage, onReconnect, onDisconnect }: PageTableProps) {
  return (
    <Table aria-label="Facebook pages">
      <thead>
        <tr>
          <th scope="col">Page</th>
          <th scope="col">Status</th>
          <th scope="col">Connected</th>
          {canManage && <ActionsHeader />}
        </tr>
      </thead>
      <tbody>
        {pages.map((page) => (
          <tr key={page.id} aria-label={page.name}>
            <td>
              <div className="cell-stack">
                <span className="strong">{page.name}</span>
                <span className="muted small mono">{page.pageId}</span>
              </div>
            </td>
            <td>
              <div className="cell-stack">
                <Badge tone={pageStatusTone[page.status]} dot>
                  {pageStatusLabel[page.status]}
                </Badge>
                {page.status !== 'active' && page.statusReason && <span className="muted small">{page.statusReason}</span>}
              </div>
            </td>
            <td className="muted nowrap">{formatDate(page.createdAt)}</td>
            {canManage && (
              <td>
                <TableActions>
                  {page.status === 'reconnect_needed' && (
                    <Button size="sm" icon="refresh" onClick={onReconnect} aria-label={`Reconnect ${page.name}`}>
                      Reconnect
                    </Button>
                  )}
                  <Button size="sm" variant="ghost" icon="trash" onClick={() => onDisconnect(page)} aria-label={`Disconnect ${page.name}`}>
                    Disconnect
                  </Button>
                </TableActions>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
