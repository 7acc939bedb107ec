import { sql } from 'drizzle-orm';
import type { EmailChannel, SentLookup } from '../channels/types.js';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/sql-helpers.js';
import type { SenderRow } from '../modules/senders/senders.js';
import { senderAccounts } from '../db/schema/index.js';
import { inArray } from 'drizzle-orm';
import { recordSent } from './record-results.js';

interface InFlight {
  id: string;
  sender_id: string | null;
  message_id_header: string | null;
}

/**
 * Messages whose worker died mid-send (status 'sending', lease expired). We never send them
 * blindly again: each is looked up at the provider by its Message-ID. Found → sent. Not found
 * where the provider records every send (Gmail, Microsoft Graph) → back in the queue with the
 * same Message-ID. Anything else (SMTP servers that may not file a copy in Sent, a lookup that
 * fails) → 'uncertain', for the user to resolve.
 */
export async function recoverInFlight(db: Db, opts: { now: Date; workerId: string; leaseMs: number; channelFor: (sender: SenderRow) => EmailChannel; limit?: number }): Promise<number> {
  const taken = await queryRows<InFlight>(db, sql`
    UPDATE messages SET lease_until = ${new Date(opts.now.getTime() + opts.leaseMs).toISOString()}::timestamptz, leased_by = ${opts.workerId}
    WHERE id IN (
      SELECT id FROM messages WHERE status = 'sending' AND lease_until < ${opts.now.toISOString()}::timestamptz
      ORDER BY lease_until LIMIT ${opts.limit ?? 50} FOR UPDATE SKIP LOCKED)
    RETURNING id, sender_id, message_id_header`);
  if (!taken.length) return 0;
  const senderIds = [...new Set(taken.flatMap((m) => (m.sender_id ? [m.sender_id] : [])))];
  const senders = new Map((senderIds.length ? await db.select().from(senderAccounts).where(inArray(senderAccounts.id, senderIds)) : []).map((s) => [s.id, s]));

  for (const message of taken) {
    const sender = message.sender_id ? senders.get(message.sender_id) : undefined;
    let found: SentLookup = 'unknown';
    if (sender && message.message_id_header) {
      try {
        found = await opts.channelFor(sender).findSent(message.message_id_header);
      } catch {
        found = 'unknown';
      }
    }
    if (found === 'sent') {
      await recordSent(db, [{ id: message.id, provider_message_id: null, provider_thread_id: null }], { now: opts.now, workerId: opts.workerId });
    } else if (found === 'not_found' && sender && sender.kind !== 'smtp') {
      await db.execute(sql`UPDATE messages SET status = 'scheduled', send_at = ${opts.now.toISOString()}::timestamptz, lease_until = NULL, leased_by = NULL,
        reason = 'resent after a worker stopped: the provider has no copy', updated_at = now() WHERE id = ${message.id} AND leased_by = ${opts.workerId}`);
    } else {
      const why = found === 'not_found' ? 'not in the Sent folder, but this server may not keep copies' : 'the provider could not be asked';
      await db.execute(sql`UPDATE messages SET status = 'uncertain', lease_until = NULL, leased_by = NULL,
        reason = ${`in flight when a worker stopped; ${why} — check and resolve`}, updated_at = now() WHERE id = ${message.id} AND leased_by = ${opts.workerId}`);
    }
  }
  return taken.length;
}
