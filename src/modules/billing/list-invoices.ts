import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { billingRow } from './plans.js';
import { stripeFailed, stripeFor } from './stripe-client.js';

/** The workspace's latest invoices, read from Stripe (the record of what was billed). */
export async function listInvoices(db: Db, config: Pick<Config, 'billing'>, workspaceId: string, limit = 24) {
  const row = await billingRow(db, workspaceId);
  if (!row?.stripeCustomerId) return [];
  try {
    const page = await stripeFor(config.billing!).invoices.list({ customer: row.stripeCustomerId, limit });
    return page.data.map((i) => ({
      id: i.id ?? '',
      number: i.number ?? null,
      status: i.status ?? 'draft',
      amountDue: i.amount_due,
      amountPaid: i.amount_paid,
      currency: i.currency,
      created: new Date(i.created * 1000).toISOString(),
      periodEnd: new Date(i.period_end * 1000).toISOString(),
      hostedInvoiceUrl: i.hosted_invoice_url ?? null,
      pdfUrl: i.invoice_pdf ?? null,
    }));
  } catch (err) {
    throw stripeFailed(err, 'list invoices');
  }
}
