import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import type { Db } from '../../db/client.js';
import { neutralizeCell } from '../contacts/export-contacts.js';
import { findCampaign } from './get-campaign.js';
import { cursorAfter, messageRows } from './list-messages.js';

const BATCH = 2000;
const HEADER = ['message_id', 'contact_id', 'email', 'first_name', 'last_name', 'company', 'step', 'variant', 'sender', 'status', 'send_at', 'sent_at', 'reason', 'attempts', 'opened', 'clicked', 'replied'];

/**
 * Every message of the campaign as CSV, read in keyset batches so memory stays flat, with
 * formula-looking cells neutralised (a contact's name or an SMTP reason is attacker-controlled).
 */
export async function exportCampaignReport(db: Db, workspaceId: string, campaignId: string): Promise<{ name: string; stream: Readable }> {
  const campaign = await findCampaign(db, workspaceId, campaignId);
  async function* rows() {
    yield HEADER;
    let cursor: string | undefined;
    for (;;) {
      const batch = await messageRows(db, workspaceId, campaign.id, { cursor, limit: BATCH, flags: true });
      for (const r of batch) {
        yield [
          r.id, r.contact_id, r.email ?? '', r.first_name ?? '', r.last_name ?? '', r.company ?? '', String(r.step_position), r.variant_label ?? '', r.sender_email ?? '', r.status,
          new Date(r.send_at).toISOString(), r.sent_at ? new Date(r.sent_at).toISOString() : '', r.reason ?? '', String(r.attempts),
          String(Boolean(r.opened)), String(Boolean(r.clicked)), String(Boolean(r.replied)),
        ].map(neutralizeCell);
      }
      if (batch.length < BATCH) return;
      cursor = cursorAfter(batch.at(-1)!);
    }
  }
  return { name: campaign.name, stream: Readable.from(rows()).pipe(stringify({ bom: true })) };
}
