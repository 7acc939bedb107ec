import { sql } from 'drizzle-orm';
import type { SendResult } from '../channels/types.js';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/sql-helpers.js';
import { releaseMessages } from '../modules/billing/quota.js';
import { markReconnectNeeded } from '../modules/senders/open-channel.js';
import { pauseSenderMessages } from './sender-messages.js';
import { stopContactSequences } from './stop-rules.js';

/** Transient failures are retried this many times in all, then the message fails with the reason. */
export const MAX_ATTEMPTS = 5;

export interface SendOutcome {
  messageId: string;
  senderId: string;
  stepPosition: number;
  campaignId: string;
  workspaceId: string;
  contactId: string;
  toEmail: string;
  attempts: number;
  /** Pinned to its inbox (a follow-up in a thread), or free to move to another inbox (a first step). */
  pinned: boolean;
  dailyNewLimited: boolean;
  campaignDay: string;
  senderDay: string;
  /** The month whose message quota the claim counted this send in; null without billing. */
  quotaMonth: string | null;
  result: SendResult;
}

/** Exponential backoff for transient failures: 1, 2, 4, 8 … minutes (or the server's Retry-After). */
export const backoffMs = (attempts: number, retryAfterSeconds?: number) =>
  retryAfterSeconds ? retryAfterSeconds * 1000 : Math.min(60 * 60_000, 60_000 * 2 ** Math.max(0, attempts - 1));

/**
 * Writes what the channel answered. Successes in one statement: the message is sent, its
 * enrollment moves on (thread ids kept for follow-ups), the next step is scheduled (the unique
 * (enrollment, step) key makes that idempotent) and a 'sent' event is recorded. Only rows still
 * leased by this worker change, so a lease another worker took over is never written twice.
 */
export async function recordResults(db: Db, outcomes: SendOutcome[], opts: { now: Date; workerId: string }) {
  const sent = outcomes.filter((o) => o.result.ok);
  if (sent.length) await recordSent(db, sent.map((o) => ({ id: o.messageId, provider_message_id: o.result.ok ? o.result.providerMessageId ?? null : null, provider_thread_id: o.result.ok ? o.result.providerThreadId ?? null : null })), opts);
  for (const o of outcomes) if (!o.result.ok) await recordFailure(db, o, opts);
}

export async function recordSent(db: Db, rows: { id: string; provider_message_id: string | null; provider_thread_id: string | null }[], opts: { now: Date; workerId: string | null }) {
  const leased = opts.workerId ? sql`AND m.leased_by = ${opts.workerId}` : sql``;
  await db.execute(sql`
    WITH r AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id uuid, provider_message_id text, provider_thread_id text)
    ), done AS (
      UPDATE messages m SET status = 'sent', sent_at = ${opts.now.toISOString()}::timestamptz, lease_until = NULL, leased_by = NULL,
        provider_message_id = r.provider_message_id, provider_thread_id = r.provider_thread_id, reason = NULL, error_kind = NULL, updated_at = now()
      FROM r WHERE m.id = r.id AND m.status = 'sending' ${leased}
      RETURNING m.id, m.workspace_id, m.campaign_id, m.enrollment_id, m.contact_id, m.step_position, m.sender_id, m.message_id_header,
        m.subject, m.provider_thread_id, m.sent_at
    ), next_step AS (
      SELECT done.id, s.id AS step_id, s.delay_minutes FROM done
      JOIN campaign_steps s ON s.campaign_id = done.campaign_id AND s.position = done.step_position + 1
    ), moved AS (
      UPDATE enrollments e SET last_step = done.step_position,
        sender_id = COALESCE(e.sender_id, done.sender_id),
        thread_message_id = COALESCE(e.thread_message_id, done.message_id_header),
        thread_references = array_append(COALESCE(e.thread_references, '{}'), done.message_id_header),
        thread_subject = COALESCE(e.thread_subject, done.subject),
        provider_thread_id = COALESCE(e.provider_thread_id, done.provider_thread_id),
        status = CASE WHEN e.status = 'active' AND NOT EXISTS (SELECT 1 FROM next_step n WHERE n.id = done.id) THEN 'completed' ELSE e.status END,
        updated_at = now()
      FROM done WHERE e.id = done.enrollment_id
    ), scheduled AS (
      INSERT INTO messages (workspace_id, campaign_id, enrollment_id, contact_id, step_position, step_id, sender_id, send_at)
      SELECT done.workspace_id, done.campaign_id, done.enrollment_id, done.contact_id, done.step_position + 1, n.step_id, done.sender_id,
        done.sent_at + make_interval(mins => n.delay_minutes)
      FROM done JOIN next_step n ON n.id = done.id JOIN enrollments e ON e.id = done.enrollment_id AND e.status = 'active'
      ON CONFLICT (enrollment_id, step_position) DO NOTHING
    )
    INSERT INTO contact_events (workspace_id, contact_id, type, channel, campaign_id, message_id, metadata, occurred_at)
    SELECT workspace_id, contact_id, 'sent', 'email', campaign_id, id, jsonb_build_object('step', step_position), sent_at FROM done`);
}

async function recordFailure(db: Db, o: SendOutcome, opts: { now: Date; workerId: string }) {
  if (o.result.ok) return;
  const { kind, message, code, retryAfterSeconds } = o.result;
  const reason = `${code ? `${code} ` : ''}${message}`.slice(0, 1000);
  await db.transaction(async (tx) => {
    const [row] = await queryRows<{ id: string }>(tx, sql`
      SELECT id FROM messages WHERE id = ${o.messageId} AND status = 'sending' AND leased_by = ${opts.workerId} FOR UPDATE`);
    if (!row) return;
    // The send never happened: give the campaign's daily new-contact budget, the workspace's monthly
    // quota and the inbox their slot back (in the order the claim locks these counters).
    if (o.dailyNewLimited) await tx.execute(sql`UPDATE send_counters SET count = greatest(0, count - 1) WHERE key = ${`campaign:${o.campaignId}`} AND day = ${o.campaignDay}::date`);
    if (o.quotaMonth) await releaseMessages(tx, o.workspaceId, o.quotaMonth);
    await tx.execute(sql`UPDATE send_counters SET count = greatest(0, count - 1) WHERE key = ${`sender:${o.senderId}`} AND day = ${o.senderDay}::date`);

    if (kind === 'auth') {
      await markReconnectNeeded(tx, o.senderId, reason);
      await pauseSenderMessages(tx, o.senderId, 'sending account needs reconnecting');
      // The message in hand was not sent: a first step may go from another inbox, a follow-up waits for its own.
      if (o.pinned) await tx.execute(sql`UPDATE messages SET status = 'paused', attempts = greatest(0, attempts - 1), lease_until = NULL, leased_by = NULL, reason = 'sending account needs reconnecting', error_kind = 'auth', updated_at = now() WHERE id = ${o.messageId}`);
      else await tx.execute(sql`UPDATE messages SET status = 'scheduled', sender_id = NULL, attempts = greatest(0, attempts - 1), lease_until = NULL, leased_by = NULL, reason = ${reason}, error_kind = 'auth', updated_at = now() WHERE id = ${o.messageId}`);
      return;
    }
    if ((kind === 'transient' || kind === 'rate_limited') && o.attempts < MAX_ATTEMPTS) {
      const retryAt = new Date(opts.now.getTime() + backoffMs(o.attempts, retryAfterSeconds));
      await tx.execute(sql`UPDATE messages SET status = 'scheduled', send_at = ${retryAt.toISOString()}::timestamptz, lease_until = NULL, leased_by = NULL,
        sender_id = ${o.pinned ? o.senderId : null}, reason = ${reason}, error_kind = ${kind}, updated_at = now() WHERE id = ${o.messageId}`);
      if (kind === 'rate_limited') await tx.execute(sql`UPDATE sender_pacing SET next_send_at = greatest(next_send_at, ${retryAt.toISOString()}::timestamptz) WHERE sender_id = ${o.senderId}`);
      return;
    }
    const finalReason = kind === 'permanent' ? reason : `gave up after ${o.attempts} attempts: ${reason}`;
    await tx.execute(sql`UPDATE messages SET status = 'failed', lease_until = NULL, leased_by = NULL, reason = ${finalReason}, error_kind = ${kind}, updated_at = now() WHERE id = ${o.messageId}`);
    // A sequence whose step could not go out does not jump ahead to the next step.
    await tx.execute(sql`UPDATE enrollments SET status = 'stopped', stop_reason = ${`step ${o.stepPosition} failed`}, updated_at = now()
      WHERE id = (SELECT enrollment_id FROM messages WHERE id = ${o.messageId}) AND status = 'active'`);
    if (kind === 'permanent' && code !== 'EMESSAGE') await recordHardBounce(tx, o, reason);
  });
}

/** A recipient the server refused outright: suppressed, marked bounced, its sequences stopped. */
async function recordHardBounce(tx: Db, o: SendOutcome, reason: string) {
  await tx.execute(sql`INSERT INTO suppressions (workspace_id, kind, value, reason, note)
    VALUES (${o.workspaceId}, 'email', ${o.toEmail}, 'bounce', ${reason.slice(0, 500)}) ON CONFLICT (workspace_id, kind, value) DO NOTHING`);
  await tx.execute(sql`UPDATE contacts SET status = 'bounced', updated_at = now() WHERE id = ${o.contactId} AND status = 'active'`);
  await tx.execute(sql`INSERT INTO contact_events (workspace_id, contact_id, type, channel, campaign_id, message_id, metadata)
    VALUES (${o.workspaceId}, ${o.contactId}, 'bounced', 'email', ${o.campaignId}, ${o.messageId}, ${JSON.stringify({ kind: 'hard', reason })}::jsonb)`);
  await stopContactSequences(tx, { workspaceId: o.workspaceId, contactId: o.contactId, reason: 'address bounced' });
}
