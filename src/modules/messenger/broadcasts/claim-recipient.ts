import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { queryRows } from '../../../db/sql-helpers.js';
import type { Deps } from '../../../http/context.js';
import { MAX_TEXT_LENGTH } from '../../../channels/messenger/index.js';
import { AppError } from '../../../lib/problems.js';
import { contactVariables, renderTemplate, TemplateError, type TemplateValue } from '../../../lib/templates.js';
import { quotaMonth, reserveMessages } from '../../billing/quota.js';
import { openPageToken } from '../pages.js';
import { broadcastWindow, isBroadcastTag, type BroadcastDecision } from './broadcast-window.js';

/** Time a claimed send may take before its row counts as abandoned by a dead worker (Graph calls time out at 15 s). */
export const SEND_LEASE_MS = 120_000;
export const INTERRUPTED_REASON = 'the worker stopped while this message was being sent; it may or may not have been delivered, so it is not sent again';

export interface ClaimedSend {
  kind: 'send';
  broadcastId: string; workspaceId: string; createdBy: string | null;
  page: { id: string; pageId: string; name: string };
  token: string;
  contactId: string; psid: string; attempts: number;
  text: string;
  decision: Extract<BroadcastDecision, { allowed: true }>;
  /** The quota month a unit was taken from (given back if the send does not happen); null without billing. */
  quotaMonth: string | null;
}

export type Claim =
  | ClaimedSend
  /** Nothing left to do in this broadcast (finished, or another worker holds the last sends). */
  | { kind: 'done' }
  /** Recipients wait for a retry time. */
  | { kind: 'later'; at: Date }
  /** The page's pacing: the next send from it may go at `until`. */
  | { kind: 'wait'; until: Date }
  /** Sending cannot go on until someone acts (reconnect the page, more quota). */
  | { kind: 'paused'; reason: string }
  /** One recipient was settled without a send (skipped or failed), the loop goes on. */
  | { kind: 'settled'; status: 'skipped' | 'failed' };

interface BroadcastPageRow {
  id: string; workspace_id: string; text: string; tag: string | null; status: string; created_by: string | null;
  page_row_id: string; fb_page_id: string; page_name: string; page_status: 'active' | 'reconnect_needed' | 'disconnected'; page_status_reason: string | null;
  access_token_enc: string; next_send_at: Date | string | null;
}

interface RecipientRow {
  contact_id: string; attempts: number; contact_status: string; messenger_psid: string | null; messenger_page_id: string | null;
  email: string | null; first_name: string | null; last_name: string | null; company: string | null; title: string | null; phone: string | null; time_zone: string | null;
  custom: Record<string, TemplateValue> | null; last_inbound_at: Date | string | null;
}

const settle = async (t: Db, broadcastId: string, contactId: string, status: 'skipped' | 'failed', reason: string): Promise<Claim> => {
  await t.execute(sql`UPDATE broadcast_recipients SET status = ${status}, reason = ${reason} WHERE broadcast_id = ${broadcastId} AND contact_id = ${contactId}`);
  return { kind: 'settled', status };
};

/** The personalised text, or why it cannot be sent. */
function render(b: BroadcastPageRow, r: RecipientRow): { text: string } | { error: string } {
  let text: string;
  try {
    const vars = { ...contactVariables({ email: r.email, firstName: r.first_name, lastName: r.last_name, company: r.company, title: r.title, phone: r.phone, timeZone: r.time_zone, custom: r.custom ?? {} }), page_name: b.page_name };
    text = renderTemplate(b.text, vars, { seed: r.contact_id }).trim();
  } catch (err) {
    return { error: `the message could not be personalised: ${err instanceof TemplateError ? err.message : String(err)}` };
  }
  if (!text) return { error: 'the personalised message is empty' };
  if (text.length > MAX_TEXT_LENGTH) return { error: `the personalised message is ${text.length} characters, over Messenger's ${MAX_TEXT_LENGTH}` };
  return { text };
}

/**
 * Takes the next recipient of a broadcast, in one short transaction. The page row is locked first:
 * it carries the pacing (next_send_at), so two workers never send from one page faster than its
 * rate. The recipient row is taken FOR UPDATE SKIP LOCKED and marked 'sending' with a lease
 * before the transaction ends, so no two workers can ever take the same person. The window is
 * checked again here (it may have closed since the broadcast was created), the text is
 * personalised, and one message is taken from the monthly quota when billing is on.
 */
export async function claimRecipient(deps: Deps, broadcastId: string, opts: { intervalMs: number; now: Date }): Promise<Claim> {
  const { now } = opts;
  const nowIso = now.toISOString();
  return deps.db.transaction(async (tx): Promise<Claim> => {
    const t = tx as unknown as Db;
    const [b] = await queryRows<BroadcastPageRow>(t, sql`
      SELECT b.id, b.workspace_id, b.text, b.tag, b.status, b.created_by,
        p.id AS page_row_id, p.page_id AS fb_page_id, p.name AS page_name, p.status AS page_status, p.status_reason AS page_status_reason,
        p.access_token_enc, p.next_send_at
      FROM broadcasts b JOIN facebook_pages p ON p.id = b.page_id
      WHERE b.id = ${broadcastId}
      FOR UPDATE OF p`);
    if (!b || b.status === 'finished' || b.status === 'failed') return { kind: 'done' };

    // A send whose lease ran out belongs to a worker that died mid-call: Facebook may have it.
    await t.execute(sql`UPDATE broadcast_recipients SET status = 'failed', reason = ${INTERRUPTED_REASON}
      WHERE broadcast_id = ${broadcastId} AND status = 'sending' AND send_at < ${nowIso}::timestamptz`);

    if (b.page_status === 'disconnected') {
      await t.execute(sql`UPDATE broadcast_recipients SET status = 'failed', reason = 'the page was disconnected before this message went'
        WHERE broadcast_id = ${broadcastId} AND status = 'pending'`);
      await t.execute(sql`UPDATE broadcasts SET status = 'failed', finished_at = ${nowIso}::timestamptz WHERE id = ${broadcastId}`);
      return { kind: 'done' };
    }
    if (b.page_status === 'reconnect_needed') return { kind: 'paused', reason: `the page "${b.page_name}" needs reconnecting: ${b.page_status_reason ?? 'its access was revoked'}` };
    if (b.next_send_at && new Date(b.next_send_at) > now) return { kind: 'wait', until: new Date(b.next_send_at) };

    const [r] = await queryRows<RecipientRow>(t, sql`
      SELECT r.contact_id, r.attempts, c.status AS contact_status, c.messenger_psid, c.messenger_page_id,
        c.email, c.first_name, c.last_name, c.company, c.title, c.phone, c.time_zone, c.custom, conv.last_inbound_at
      FROM broadcast_recipients r
      JOIN contacts c ON c.id = r.contact_id
      LEFT JOIN conversations conv ON conv.workspace_id = c.workspace_id
        AND conv.thread_key = 'messenger:' || ${b.page_row_id}::text || ':' || c.id::text
      WHERE r.broadcast_id = ${broadcastId} AND r.status = 'pending' AND (r.send_at IS NULL OR r.send_at <= ${nowIso}::timestamptz)
      LIMIT 1
      FOR UPDATE OF r SKIP LOCKED`);

    if (!r) {
      const [left] = await queryRows<{ next: Date | string | null; pending: number; sending: number }>(t, sql`
        SELECT min(send_at) FILTER (WHERE status = 'pending') AS next,
          count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'sending')::int AS sending
        FROM broadcast_recipients WHERE broadcast_id = ${broadcastId}`);
      // Pending rows not due yet wait for their retry time; pending rows held by another worker's claim are its to send.
      if (left!.pending > 0) return left!.next && new Date(left!.next) > now ? { kind: 'later', at: new Date(left!.next) } : { kind: 'done' };
      if (left!.sending > 0) return { kind: 'done' };
      await t.execute(sql`UPDATE broadcasts SET status = 'finished', finished_at = ${nowIso}::timestamptz WHERE id = ${broadcastId} AND status IN ('queued', 'sending')`);
      return { kind: 'done' };
    }

    if (r.contact_status !== 'active') return settle(t, broadcastId, r.contact_id, 'skipped', `the contact is ${r.contact_status} now`);
    if (!r.messenger_psid || r.messenger_page_id !== b.fb_page_id) return settle(t, broadcastId, r.contact_id, 'skipped', 'the contact is no longer a Messenger subscriber of this page');
    const tag = b.tag && isBroadcastTag(b.tag) ? b.tag : null;
    const decision = broadcastWindow(r.last_inbound_at ? new Date(r.last_inbound_at) : null, now, tag);
    if (!decision.allowed) return settle(t, broadcastId, r.contact_id, 'skipped', `${decision.reason} when its turn came`);
    const rendered = render(b, r);
    if ('error' in rendered) return settle(t, broadcastId, r.contact_id, 'failed', rendered.error);

    let token: string | null;
    try {
      token = openPageToken(deps.config.secrets, { id: b.page_row_id, accessTokenEnc: b.access_token_enc, status: b.page_status });
    } catch {
      token = null;
    }
    if (!token) return { kind: 'paused', reason: `the page "${b.page_name}" has no usable access token; reconnect it` };

    let month: string | null = null;
    if (deps.config.billing) {
      try {
        await t.transaction(async (sp) => reserveMessages(sp as unknown as Db, deps.config, b.workspace_id, 1, now));
        month = quotaMonth(now);
      } catch (err) {
        if (err instanceof AppError && err.status === 402) return { kind: 'paused', reason: err.message };
        throw err;
      }
    }

    await t.execute(sql`UPDATE broadcast_recipients SET status = 'sending', attempts = attempts + 1, reason = NULL,
        send_at = ${new Date(now.getTime() + SEND_LEASE_MS).toISOString()}::timestamptz
      WHERE broadcast_id = ${broadcastId} AND contact_id = ${r.contact_id}`);
    await t.execute(sql`UPDATE facebook_pages SET next_send_at = ${new Date(now.getTime() + opts.intervalMs).toISOString()}::timestamptz WHERE id = ${b.page_row_id}`);
    if (b.status === 'queued') await t.execute(sql`UPDATE broadcasts SET status = 'sending' WHERE id = ${broadcastId} AND status = 'queued'`);
    return {
      kind: 'send', broadcastId, workspaceId: b.workspace_id, createdBy: b.created_by,
      page: { id: b.page_row_id, pageId: b.fb_page_id, name: b.page_name }, token,
      contactId: r.contact_id, psid: r.messenger_psid, attempts: Number(r.attempts) + 1, text: rendered.text, decision, quotaMonth: month,
    };
  });
}
