import { and, eq, exists, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaigns, enrollments, messages } from '../../db/schema/index.js';
import { recordSent } from '../../engine/record-results.js';
import { conflict, notFound } from '../../lib/problems.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';
import { findCampaign } from './get-campaign.js';
import { messageRows, messageView } from './list-messages.js';

export type ResolveAction = 'mark_sent' | 'resend' | 'skip';

/**
 * The user's decision on a message the engine could not verify after a crash ('uncertain'):
 * - mark_sent: it did go out; recorded exactly as a send (the sequence moves on);
 * - resend: back in the queue now, attempts kept, same Message-ID;
 * - skip: not sent, and the contact's sequence stops here (it never jumps a step).
 * Resending in a stopped campaign is refused; in a finished one, new work reopens it.
 */
export async function resolveMessage(db: Db, actor: Actor, workspaceId: string, campaignId: string, messageId: string, action: ResolveAction, now = new Date()) {
  const campaign = await findCampaign(db, workspaceId, campaignId);
  if (action === 'resend' && campaign.status === 'stopped') throw conflict('This campaign is stopped; nothing in it is sent any more.', [{ field: 'action', message: 'cannot resend in a stopped campaign' }]);
  const resolved = await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [m] = await t.select({ id: messages.id, status: messages.status, enrollmentId: messages.enrollmentId, stepPosition: messages.stepPosition }).from(messages)
      .where(and(eq(messages.id, messageId), eq(messages.campaignId, campaignId), eq(messages.workspaceId, workspaceId))).for('update');
    if (!m) throw notFound('Message');
    if (m.status !== 'uncertain') throw conflict(`This message is ${m.status}; only an uncertain message can be resolved.`, [{ field: 'action', message: `the message is ${m.status}, not uncertain` }]);
    if (action === 'mark_sent') {
      // Through the engine's own bookkeeping: enrollment, thread, next step and the 'sent' event.
      await t.update(messages).set({ status: 'sending', leasedBy: null }).where(eq(messages.id, m.id));
      await recordSent(t, [{ id: m.id, provider_message_id: null, provider_thread_id: null }], { now, workerId: null });
    } else if (action === 'resend') {
      await t.update(messages).set({ status: 'scheduled', sendAt: now, leaseUntil: null, leasedBy: null, reason: 'resend requested after an uncertain send', updatedAt: now }).where(eq(messages.id, m.id));
    } else {
      await t.update(messages).set({ status: 'skipped', reason: 'skipped by user', leaseUntil: null, leasedBy: null, updatedAt: now }).where(eq(messages.id, m.id));
      await t.update(enrollments).set({ status: 'stopped', stopReason: `step ${m.stepPosition} skipped by user`, updatedAt: now })
        .where(and(eq(enrollments.id, m.enrollmentId), eq(enrollments.status, 'active')));
    }
    // Uncertain messages are often settled after the campaign finished: new work reopens it
    // (the engine claims only for running campaigns and finishes it again when done).
    if (action !== 'skip') {
      await t.update(campaigns).set({ status: 'running', finishedAt: null, updatedAt: now })
        .where(and(eq(campaigns.id, campaignId), eq(campaigns.status, 'finished'),
          exists(t.select({ one: sql`1` }).from(messages).where(and(eq(messages.enrollmentId, m.enrollmentId), eq(messages.status, 'scheduled'))))));
    }
    return m;
  });
  await recordAudit(db, actor, { workspaceId, action: 'campaign.message_resolved', targetType: 'message', targetId: messageId, metadata: { campaignId, action } });
  const [row] = (await messageRows(db, workspaceId, campaignId, { limit: 1, byId: resolved.id }));
  return messageView(row!);
}
