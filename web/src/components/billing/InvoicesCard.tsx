import { useInvoices } from '../../api/billing';
import { formatDate } from '../../lib/format';
import { Badge } from '../ui/Badge';
import { Card, CardHeader } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { ErrorState } from '../ui/ErrorState';
import { Table, TableSkeleton } from '../ui/Table';
import { formatMoney } from './limits';

export function InvoicesCard({ workspaceId, hasCustomer }: { workspaceId: string; hasCustomer: boolean }) {
  const invoices = useInvoices(workspaceId, hasCustomer);
  return (
    <Card aria-labelledby="billing-invoices-title">
      <CardHeader titleId="billing-invoices-title" title="Invoices" description="From Stripe; each opens its receipt." />
      {!hasCustomer ? (
        <EmptyState icon="fileText" title="No invoices yet" description="Invoices appear here after the first payment." compact />
      ) : invoices.isPending ? (
        <TableSkeleton columns={5} rows={2} label="Loading invoices" />
      ) : invoices.isError ? (
        <ErrorState title="Couldn't load invoices" error={invoices.error} onRetry={() => void invoices.refetch()} retrying={invoices.isFetching} />
      ) : invoices.data.length === 0 ? (
        <EmptyState icon="fileText" title="No invoices yet" description="Invoices appear here after the first payment." compact />
      ) : (
        <Table aria-label="Invoices">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Number</th>
              <th scope="col">Amount</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Receipt</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invoices.data.map((invoice) => (
              <tr key={invoice.id}>
                <td>{formatDate(invoice.created)}</td>
                <td>{invoice.number ?? '—'}</td>
                <td>{formatMoney(invoice.status === 'paid' ? invoice.amountPaid : invoice.amountDue, invoice.currency)}</td>
                <td>
                  <Badge tone={invoice.status === 'paid' ? 'success' : invoice.status === 'open' ? 'warning' : 'neutral'}>{invoice.status}</Badge>
                </td>
                <td>
                  {invoice.hostedInvoiceUrl && (
                    <a href={invoice.hostedInvoiceUrl} target="_blank" rel="noreferrer noopener">
                      View
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
