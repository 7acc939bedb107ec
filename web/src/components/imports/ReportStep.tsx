import { Link } from '@tanstack/react-router';
import type { ContactImportReport } from '../../api/types';
import { formatDateTime } from '../../lib/format';
import { StatCard } from '../dashboard/StatCard';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button, buttonClassName } from '../ui/Button';
import { Card, CardHeader } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { Icon } from '../ui/Icon';
import { Table } from '../ui/Table';
import { issueDetail, issueReason } from './importDisplay';

export function ReportStep({ imp, onImportAnother }: { imp: ContactImportReport; onImportAnother: () => void }) {
  const listId = imp.options?.listId ?? undefined;
  const flagged = imp.issues.filter((issue) => !issue.skipped).length;
  const rows = imp.totalRows ?? imp.createdCount + imp.updatedCount + imp.skippedCount;

  return (
    <div className="stack">
      <Alert
        tone={imp.createdCount + imp.updatedCount > 0 ? 'success' : 'warning'}
        title={imp.createdCount + imp.updatedCount > 0 ? 'Import complete' : 'Import complete, but nothing was added'}
        action={
          <Link to="/contacts" search={listId ? { listId } : {}}>
            View contacts
          </Link>
        }
      >
        {imp.filename} · {rows.toLocaleString()} {rows === 1 ? 'row' : 'rows'} read
        {imp.finishedAt ? ` · finished ${formatDateTime(imp.finishedAt)}` : ''}.
      </Alert>

      <div className="stat-grid import-stats">
        <StatCard label="Created" icon="userPlus" value={imp.createdCount.toLocaleString()} footer={<span className="muted">New contacts</span>} />
        <StatCard label="Updated" icon="edit" value={imp.updatedCount.toLocaleString()} footer={<span className="muted">Existing contacts changed</span>} />
        <StatCard label="Skipped" icon="ban" value={imp.skippedCount.toLocaleString()} footer={<span className="muted">Rows not imported</span>} />
      </div>

      <Card aria-labelledby="issues-title">
        <CardHeader
          titleId="issues-title"
          title="Row issues"
          description={
            imp.issuesTotal === 0
              ? 'Every row was imported as it was.'
              : `${imp.issuesTotal.toLocaleString()} ${imp.issuesTotal === 1 ? 'row needs' : 'rows need'} a look${flagged ? `; ${flagged.toLocaleString()} of them were imported anyway` : ''}.`
          }
        />
        {imp.issues.length === 0 ? (
          <EmptyState compact icon="checkCircle" title="No issues" description="No invalid, duplicate or suppressed rows were found." />
        ) : (
          <>
            <Table aria-label="Row issues" className="issues-table">
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Email</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Detail</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {imp.issues.map((issue) => (
                  <tr key={`${issue.row}-${issue.reason}`}>
                    <td className="mono muted">{issue.row.toLocaleString()}</td>
                    <td className="issues-email">{issue.email ?? <span className="muted">—</span>}</td>
                    <td className="nowrap strong">{issueReason(issue)}</td>
                    <td className="muted issues-detail">{issueDetail(issue)}</td>
                    <td>{issue.skipped ? <Badge tone="warning">Skipped</Badge> : <Badge tone="success">Imported</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
            {imp.issuesTotal > imp.issues.length && (
              <p className="muted small table-note">
                Showing the first {imp.issues.length.toLocaleString()} of {imp.issuesTotal.toLocaleString()} issues.
              </p>
            )}
          </>
        )}
      </Card>

      <div className="form-actions">
        <Button icon="upload" onClick={onImportAnother}>
          Import another file
        </Button>
        <Link to="/contacts" search={listId ? { listId } : {}} className={buttonClassName('primary')}>
          <span>Go to contacts</span>
          <Icon name="chevronRight" />
        </Link>
      </div>
    </div>
  );
}
