import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/sql-helpers.js';

/** Mailbox providers whose domain says nothing about the company (a "same company" stop never spans them). */
const SHARED_MAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'ymail.com', 'aol.com',
  'icloud.com', 'me.com', 'mac.com', 'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'web.de', 'mail.com', 'yandex.ru',
  'zoho.com', 'fastmail.com', 'hey.com', 'mail.ru', 'qq.com', '163.com',
]);

export interface StopInput {
  workspaceId: string;
  contactId: string;
  reason: string;
  /** Only this campaign (stop-on-click); otherwise every campaign of the workspace. */
  campaignId?: string;
  /** 'reply' honours each campaign's "stop on reply" switch; anything else (bounce, unsubscribe) always stops. */
  trigger?: 'reply' | 'always';
}

/**
 * Stops a contact's remaining steps: active enrollments become 'stopped' and their unsent
 * messages 'skipped' with the reason, in one statement, so the next claim cannot pick them.
 * `db` may be a transaction. Returns how many enrollments stopped.
 */
export async function stopContactSequences(db: Db, input: StopInput): Promise<number> {
  const onlyReplyCampaigns = input.trigger === 'reply' ? sql`AND c.stop_on_reply` : sql``;
  const oneCampaign = input.campaignId ? sql`AND e.campaign_id = ${input.campaignId}` : sql``;
  const stopped = await queryRows<{ id: string }>(db, sql`
    WITH stopped AS (
      UPDATE enrollments e SET status = 'stopped', stop_reason = ${input.reason}, updated_at = now()
      FROM campaigns c
      WHERE c.id = e.campaign_id AND e.workspace_id = ${input.workspaceId} AND e.contact_id = ${input.contactId}
        AND e.status = 'active' ${oneCampaign} ${onlyReplyCampaigns}
      RETURNING e.id
    ), skipped AS (
      UPDATE messages m SET status = 'skipped', reason = ${input.reason}, updated_at = now()
      FROM stopped WHERE m.enrollment_id = stopped.id AND m.status IN ('scheduled', 'paused')
      RETURNING m.id
    )
    SELECT id FROM stopped`);
  return stopped.length;
}

/**
 * A reply from `fromEmail`: stops the replier's sequences (campaigns with stop-on-reply) and, in
 * campaigns with stop-on-domain-reply, everyone else at the same company domain.
 */
export async function stopOnReply(db: Db, input: { workspaceId: string; contactId: string; fromEmail: string | null; reason: string }): Promise<number> {
  const stopped = await stopContactSequences(db, { ...input, trigger: 'reply' });
  const domain = input.fromEmail?.split('@')[1]?.toLowerCase();
  if (!domain || SHARED_MAIL_DOMAINS.has(domain)) return stopped;
  const colleagues = await queryRows<{ id: string }>(db, sql`
    WITH stopped AS (
      UPDATE enrollments e SET status = 'stopped', stop_reason = ${`a colleague replied (${input.fromEmail})`}, updated_at = now()
      FROM campaigns c, contacts k
      WHERE c.id = e.campaign_id AND c.stop_on_domain_reply AND k.id = e.contact_id
        AND e.workspace_id = ${input.workspaceId} AND e.status = 'active' AND e.contact_id <> ${input.contactId}
        AND k.workspace_id = ${input.workspaceId} AND k.email LIKE ${'%@' + domain.replace(/[\\%_]/g, '\\$&')}
      RETURNING e.id
    ), skipped AS (
      UPDATE messages m SET status = 'skipped', reason = 'a colleague replied', updated_at = now()
      FROM stopped WHERE m.enrollment_id = stopped.id AND m.status IN ('scheduled', 'paused')
      RETURNING m.id
    )
    SELECT id FROM stopped`);
  return stopped + colleagues.length;
}
