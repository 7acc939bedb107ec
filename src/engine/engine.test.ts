import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { seedCampaign, setSenderStatus, type CampaignSeed } from '../../test/helpers/campaign-fixture.js';
import { engineName } from '../../test/helpers/db.js';
import { startSmtpPeer, type SmtpPeer } from '../../test/helpers/smtp-peer.js';
import { queryRows } from '../db/sql-helpers.js';
import { createChannelCache, type ChannelCache } from './channel-cache.js';
import { claimMessages } from './claim-messages.js';
import { dispatchOnce } from './dispatcher.js';
import { enrollAudience } from './enroll.js';
import { tickCampaigns } from './campaign-tick.js';
import { contacts, listMembers } from '../db/schema/index.js';
import { createLogger } from '../lib/logger.js';
import { MAX_ATTEMPTS } from './record-results.js';
import { resumeSenderMessages } from './sender-messages.js';
import { stopOnReply } from './stop-rules.js';
import { trackingKeys } from '../modules/tracking/tokens.js';
import { updateSender } from '../modules/senders/senders.js';

let t: TestApp;
let peer: SmtpPeer;
let channels: ChannelCache;

beforeAll(async () => {
  t = await createTestApp();
  peer = await startSmtpPeer({ user: 'sender', password: 'sender-password' });
  channels = createChannelCache(t.deps);
});
afterAll(async () => {
  await channels?.closeAll();
  await peer?.close();
  await t?.close();
});
beforeEach(async () => {
  // Each test starts with an empty queue: the engine claims across every campaign in the database.
  await t.deps.db.execute(sql`UPDATE messages SET status = 'skipped', reason = 'test cleanup' WHERE status IN ('scheduled', 'paused', 'sending')`);
  peer.received.length = 0;
  peer.rcptReplies.clear();
});

// Monday 2026-11-23 10:00 UTC.
const MONDAY_10 = new Date('2026-11-23T10:00:00Z');
const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);
const opts = (now: Date, workerId = 'w1') => ({ now, workerId, batchSize: 50, concurrency: 8, leaseMs: 300_000 });

async function seed(s: Omit<CampaignSeed, 'smtpPort'>, now = MONDAY_10) {
  const seeded = await seedCampaign(t.deps, { smtpPort: peer.port, ...s });
  await enrollAudience(t.deps, seeded.campaignId, now);
  return seeded;
}

/** Dispatch rounds at one instant until nothing more is claimed. */
async function drain(now: Date, workerId = 'w1') {
  let sent = 0;
  for (let i = 0; i < 100; i++) {
    const round = await dispatchOnce(t.deps, channels, opts(now, workerId));
    sent += round.sent;
    if (!round.claimed) return sent;
  }
  throw new Error('dispatch did not settle');
}

const messagesOf = (campaignId: string) => queryRows<{ id: string; contact_id: string; status: string; step_position: number; sender_id: string | null; reason: string | null; send_at: Date; message_id_header: string | null; variant_id: string | null; attempts: number }>(
  t.deps.db, sql`SELECT m.* FROM messages m JOIN contacts k ON k.id = m.contact_id WHERE m.campaign_id = ${campaignId} ORDER BY m.step_position, k.email`);
/** A header's value from raw RFC 5322 source, with folded lines joined. */
const header = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' '))?.[1]?.trim() ?? null;
const receivedFor = (campaignMessageIds: Set<string>) => peer.received.filter((r) => campaignMessageIds.has(header(r.raw, 'Message-ID') ?? ''));

describe(`campaign engine (${engineName})`, () => {
  it('sends each contact one personalised message with the unsubscribe headers, footer and postal address', async () => {
    const s = await seed({ contacts: [{ email: 'ann@prospect.test', firstName: 'Ann', company: 'Prospect' }, { email: 'bob@other.test', company: 'Other' }] });
    expect(await drain(MONDAY_10)).toBe(2);
    expect(await drain(at(MONDAY_10, 3600))).toBe(0);
    const rows = await messagesOf(s.campaignId);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    const ann = peer.received.find((r) => r.to[0] === 'ann@prospect.test')!;
    expect(header(ann.raw, 'Subject')).toBe('Quick question, Ann');
    expect(header(peer.received.find((r) => r.to[0] === 'bob@other.test')!.raw, 'Subject')).toBe('Quick question, there');
    expect(header(ann.raw, 'List-Unsubscribe')).toMatch(/^<http:\/\/app\.test\/u\/[A-Za-z0-9_-]+>, <mailto:sender1@acme\.test\?subject=unsubscribe>$/);
    expect(header(ann.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(ann.raw).toContain('Acme Inc., 1 Main St, Springfield');
    expect(ann.raw).toMatch(/Unsubscribe: http:\/\/app\.test\/u\//);
    expect(header(ann.raw, 'Message-ID')).toBe(rows.find((r) => r.contact_id === s.contactIds[0])!.message_id_header);
    const events = await queryRows<{ n: number }>(t.deps.db, sql`SELECT count(*)::int AS n FROM contact_events WHERE campaign_id = ${s.campaignId} AND type = 'sent'`);
    expect(events[0]!.n).toBe(2);
  });

  it('holds the daily cap and the random gap between sends from one inbox under a fake clock', async () => {
    const s = await seed({ contacts: 10, inbox: { dailyCap: 3, minGapSeconds: 60, maxGapSeconds: 120 } });
    expect(await drain(MONDAY_10)).toBe(1);
    expect(await drain(at(MONDAY_10, 30))).toBe(0);
    let sent = 1;
    for (let minute = 2; minute <= 60; minute += 2) sent += await drain(at(MONDAY_10, minute * 60 + 1));
    expect(sent).toBe(3);
    const times = (await queryRows<{ sent_at: Date }>(t.deps.db, sql`SELECT sent_at FROM messages WHERE campaign_id = ${s.campaignId} AND status = 'sent' ORDER BY sent_at`)).map((r) => new Date(r.sent_at).getTime());
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(60_000);
    // The rest waits for the next day's budget instead of churning at the head of the queue.
    const waiting = (await messagesOf(s.campaignId)).filter((r) => r.status === 'scheduled');
    expect(waiting).toHaveLength(7);
    for (const m of waiting) expect(new Date(m.send_at).getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-24T00:00:00Z'));
    expect(await drain(new Date('2026-11-24T09:00:00Z'))).toBe(1);
  });

  it('sends only inside the window, in the campaign time zone', async () => {
    const saturday = new Date('2026-11-28T15:00:00Z');
    const s = await seed({ contacts: 2, campaign: { timezone: 'America/New_York', sendDays: [1, 2, 3, 4, 5], windowStartMinute: 9 * 60, windowEndMinute: 17 * 60 } }, saturday);
    expect(await drain(saturday)).toBe(0);
    // Monday 9:00 in New York is 14:00 UTC in November.
    for (const m of await messagesOf(s.campaignId)) expect(new Date(m.send_at).toISOString()).toBe('2026-11-30T14:00:00.000Z');
    expect(await drain(new Date('2026-11-30T13:59:00Z'))).toBe(0);
    expect(await drain(new Date('2026-11-30T14:00:00Z'))).toBe(2);
  });

  it('a message found outside the window moves to the next opening instead of going out', async () => {
    const s = await seed({ contacts: 1, campaign: { timezone: 'Europe/Berlin', sendDays: [1, 2, 3, 4, 5], windowStartMinute: 9 * 60, windowEndMinute: 17 * 60 } });
    // 10:00 UTC Monday is 11:00 in Berlin: open. 17:30 Berlin is closed.
    await t.deps.db.execute(sql`UPDATE messages SET send_at = '2026-11-23T16:00:00Z' WHERE campaign_id = ${s.campaignId}`);
    expect(await drain(new Date('2026-11-23T16:30:00Z'))).toBe(0);
    expect(new Date((await messagesOf(s.campaignId))[0]!.send_at).toISOString()).toBe('2026-11-24T08:00:00.000Z');
  });

  it('rotates first steps across the inboxes and keeps each follow-up in its thread and inbox', async () => {
    const s = await seed({
      contacts: 30, inboxes: 3,
      steps: [
        { variants: [{ subject: 'Idea for {{ company }}', bodyText: 'Hi {{ first_name }}' }] },
        { delayMinutes: 60, variants: [{ subject: null, bodyText: 'Following up, {{ first_name }}' }] },
      ],
    });
    expect(await drain(MONDAY_10)).toBe(30);
    const bySender = new Map<string, number>();
    for (const m of await messagesOf(s.campaignId)) if (m.step_position === 1) bySender.set(m.sender_id!, (bySender.get(m.sender_id!) ?? 0) + 1);
    expect([...bySender.values()]).toEqual([10, 10, 10]);
    expect(await drain(at(MONDAY_10, 59 * 60))).toBe(0);
    expect(await drain(at(MONDAY_10, 61 * 60))).toBe(30);
    const rows = await messagesOf(s.campaignId);
    for (const first of rows.filter((r) => r.step_position === 1)) {
      const second = rows.find((r) => r.step_position === 2 && r.contact_id === first.contact_id)!;
      expect(second.sender_id).toBe(first.sender_id);
      const raw = peer.received.find((r) => header(r.raw, 'Message-ID') === second.message_id_header)!.raw;
      expect(header(raw, 'In-Reply-To')).toBe(first.message_id_header);
      expect(header(raw, 'References')).toBe(first.message_id_header);
      expect(header(raw, 'Subject')).toMatch(/^Re: Idea for Prospect \d$/);
    }
    const enrollments = await queryRows<{ status: string }>(t.deps.db, sql`SELECT status FROM enrollments WHERE campaign_id = ${s.campaignId}`);
    expect(enrollments.every((e) => e.status === 'completed')).toBe(true);
  });

  it('stops a contact\'s remaining steps on reply, and colleagues\' when the campaign asks', async () => {
    const s = await seed({
      contacts: [{ email: 'ann@bigco.test' }, { email: 'ben@bigco.test' }, { email: 'cat@gmail.com' }, { email: 'dan@gmail.com' }],
      campaign: { stopOnDomainReply: true },
      steps: [{ variants: [{ bodyText: 'one' }] }, { delayMinutes: 60, variants: [{ bodyText: 'two' }] }],
    });
    expect(await drain(MONDAY_10)).toBe(4);
    const [ann, , cat] = s.contactIds;
    await stopOnReply(t.deps.db, { workspaceId: s.workspaceId, contactId: ann!, fromEmail: 'ann@bigco.test', reason: 'replied' });
    // A reply from a free-mail address says nothing about colleagues.
    await stopOnReply(t.deps.db, { workspaceId: s.workspaceId, contactId: cat!, fromEmail: 'cat@gmail.com', reason: 'replied' });
    expect(await drain(at(MONDAY_10, 2 * 3600))).toBe(1);
    const second = (await messagesOf(s.campaignId)).filter((m) => m.step_position === 2);
    expect(second.map((m) => [m.status, m.reason])).toEqual([
      ['skipped', 'replied'], ['skipped', 'a colleague replied'], ['skipped', 'replied'], ['sent', null],
    ]);
  });

  it('splits A/B variants by weight, stable per enrollment', async () => {
    const s = await seed({ contacts: 200, steps: [{ variants: [{ label: 'A', subject: 'A', bodyText: 'a' }, { label: 'B', subject: 'B', bodyText: 'b' }, { label: 'C', subject: 'C', bodyText: 'c', weight: 0 }] }] });
    expect(await drain(MONDAY_10)).toBe(200);
    const subjects = peer.received.map((r) => header(r.raw, 'Subject'));
    const a = subjects.filter((x) => x === 'A').length;
    expect(a).toBeGreaterThan(70);
    expect(a).toBeLessThan(130);
    expect(subjects.filter((x) => x === 'B').length).toBe(200 - a);
    const variants = await queryRows<{ n: number }>(t.deps.db, sql`SELECT count(DISTINCT variant_id)::int AS n FROM messages WHERE campaign_id = ${s.campaignId}`);
    expect(variants[0]!.n).toBe(2);
  });

  it('never lets CR/LF in a name or subject add a header', async () => {
    await seed({
      contacts: [{ email: 'eve@prospect.test', firstName: 'Eve\r\nBcc: spy@evil.test', lastName: 'X\nX-Injected: 1' }],
      steps: [{ variants: [{ subject: 'Hi {{ first_name }}\r\nCc: spy2@evil.test', bodyText: 'body' }] }],
    });
    expect(await drain(MONDAY_10)).toBe(1);
    const raw = peer.received[0]!;
    expect(raw.to).toEqual(['eve@prospect.test']);
    const headers = raw.raw.split(/\r?\n\r?\n/)[0]!;
    expect(headers).not.toMatch(/^(Bcc|Cc|X-Injected):/mi);
  });

  it('a hard bounce fails the message, suppresses the address and stops the sequence', async () => {
    peer.rcptReplies.set('gone@prospect.test', { code: 550, text: '5.1.1 <gone@prospect.test>: Recipient address rejected: User unknown' });
    const s = await seed({ contacts: [{ email: 'gone@prospect.test' }], steps: [{ variants: [{ bodyText: 'one' }] }, { delayMinutes: 1, variants: [{ bodyText: 'two' }] }] });
    await drain(MONDAY_10);
    const [m] = await messagesOf(s.campaignId);
    expect(m).toMatchObject({ status: 'failed' });
    expect(m!.reason).toMatch(/User unknown/);
    const sup = await queryRows<{ reason: string }>(t.deps.db, sql`SELECT reason FROM suppressions WHERE workspace_id = ${s.workspaceId} AND value = 'gone@prospect.test'`);
    expect(sup).toEqual([{ reason: 'bounce' }]);
    expect(await drain(at(MONDAY_10, 3600))).toBe(0);
    expect(await messagesOf(s.campaignId)).toHaveLength(1);
  });

  it('retries a temporary failure with backoff, then fails it with the reason', async () => {
    peer.rcptReplies.set('busy@prospect.test', { code: 451, text: '4.7.1 <busy@prospect.test>: try again later' });
    const s = await seed({ contacts: [{ email: 'busy@prospect.test' }] });
    let now = MONDAY_10;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await drain(now);
      const [m] = await messagesOf(s.campaignId);
      expect(m!.attempts).toBe(attempt);
      if (attempt < MAX_ATTEMPTS) {
        expect(m!.status).toBe('scheduled');
        expect(new Date(m!.send_at).getTime()).toBeGreaterThan(now.getTime());
        now = new Date(m!.send_at);
      } else {
        expect(m!.status).toBe('failed');
        expect(m!.reason).toMatch(/gave up after 5 attempts: 451/);
      }
    }
  });

  it('an inbox whose credentials stop working is marked reconnect-needed and its messages wait, not fail', async () => {
    const s = await seed({ contacts: 3, smtpPassword: 'wrong-password' });
    expect(await drain(MONDAY_10)).toBe(0);
    const sender = await queryRows<{ status: string }>(t.deps.db, sql`SELECT status FROM sender_accounts WHERE id = ${s.senderIds[0]}`);
    expect(sender[0]!.status).toBe('reconnect_needed');
    const rows = await messagesOf(s.campaignId);
    expect(rows.every((m) => m.status === 'paused')).toBe(true);
    expect(rows.every((m) => m.attempts === 0)).toBe(true);
    // Reconnected with the right password, the same messages go out, each once.
    await updateSender(t.deps.db, t.deps.config.secrets, s.workspaceId, s.senderIds[0]!, { smtp: { password: 'sender-password' } });
    await setSenderStatus(t.deps, s.senderIds[0]!, 'active');
    await resumeSenderMessages(t.deps.db, s.senderIds[0]!);
    expect(await drain(at(MONDAY_10, 60))).toBe(3);
    expect((await messagesOf(s.campaignId)).map((m) => [m.status, m.attempts])).toEqual([['sent', 1], ['sent', 1], ['sent', 1]]);
  });

  it('two workers claiming concurrently send every message exactly once', async () => {
    const s = await seed({ contacts: 120, inboxes: 3 });
    await Promise.all([drain(MONDAY_10, 'worker-a'), drain(MONDAY_10, 'worker-b')]);
    const ids = new Set((await messagesOf(s.campaignId)).map((m) => m.message_id_header!));
    const got = receivedFor(ids).map((r) => header(r.raw, 'Message-ID'));
    expect(got).toHaveLength(120);
    expect(new Set(got).size).toBe(120);
    expect((await messagesOf(s.campaignId)).every((m) => m.status === 'sent')).toBe(true);
  });

  it('concurrent claims over many paced inboxes take disjoint inboxes, one send each per gap', async () => {
    const s = await seed({ contacts: 40, inboxes: 12, inbox: { minGapSeconds: 60, maxGapSeconds: 90 } });
    const claim = (workerId: string) => claimMessages(t.deps.db, { now: MONDAY_10, workerId, limit: 40, leaseMs: 60_000, publicUrl: 'http://app.test', keys: trackingKeys(t.deps.config.secrets) });
    const [a, b] = await Promise.all([claim('worker-a'), claim('worker-b')]);
    const senders = [...a, ...b].map((m) => m.sender.id);
    expect(senders).toHaveLength(12);
    expect(new Set(senders).size).toBe(12);
    expect(new Set(senders)).toEqual(new Set(s.senderIds));
    // Nobody else may use these inboxes before their gap has passed.
    expect(await claim('worker-c')).toEqual([]);
  });

  it('enrolls contacts added to a running campaign\'s list, and marks the campaign finished once nothing is left to send', async () => {
    const s = await seed({ contacts: 2 });
    const log = createLogger('silent');
    expect(await drain(MONDAY_10)).toBe(2);
    const [late] = await t.deps.db.insert(contacts).values({ workspaceId: s.workspaceId, email: 'late@prospect.test', firstName: 'Late' }).returning();
    await t.deps.db.insert(listMembers).values({ listId: s.listId, contactId: late!.id });
    // Not finished while the new contact's message waits.
    expect(await tickCampaigns({ db: t.deps.db, log }, MONDAY_10)).not.toContain(s.campaignId);
    expect((await messagesOf(s.campaignId)).map((m) => m.status)).toEqual(['scheduled', 'sent', 'sent']);
    expect(await drain(MONDAY_10)).toBe(1);
    expect(await tickCampaigns({ db: t.deps.db, log }, MONDAY_10)).toContain(s.campaignId);
    const [campaign] = await queryRows<{ status: string }>(t.deps.db, sql`SELECT status FROM campaigns WHERE id = ${s.campaignId}`);
    expect(campaign!.status).toBe('finished');
  });

  it('a claim whose worker died is looked up, never blindly re-sent: unverifiable ones become uncertain', async () => {
    const s = await seed({ contacts: 3 });
    const claimed = await claimMessages(t.deps.db, { now: MONDAY_10, workerId: 'dead-worker', limit: 10, leaseMs: 60_000, publicUrl: 'http://app.test', keys: trackingKeys(t.deps.config.secrets) });
    expect(claimed).toHaveLength(3);
    // Before the lease runs out nobody touches them.
    expect(await drain(at(MONDAY_10, 30))).toBe(0);
    expect((await messagesOf(s.campaignId)).every((m) => m.status === 'sending')).toBe(true);
    await drain(at(MONDAY_10, 120));
    const rows = await messagesOf(s.campaignId);
    expect(rows.map((m) => m.status)).toEqual(['uncertain', 'uncertain', 'uncertain']);
    expect(rows[0]!.reason).toMatch(/in flight when a worker stopped/);
    expect(peer.received).toHaveLength(0);
  });
});
