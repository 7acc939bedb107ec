import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TEST_PLANS, upgrade } from '../../../test/helpers/billing.js';
import { seedCampaign } from '../../../test/helpers/campaign-fixture.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { startSmtpPeer, type SmtpPeer } from '../../../test/helpers/smtp-peer.js';
import { startFakeStripe, type FakeStripe } from '../../../test/fakes/stripe.js';
import type { Db } from '../../db/client.js';
import { memberships } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql-helpers.js';
import { tickCampaigns } from '../../engine/campaign-tick.js';
import { createChannelCache, type ChannelCache } from '../../engine/channel-cache.js';
import { claimMessages } from '../../engine/claim-messages.js';
import { dispatchOnce } from '../../engine/dispatcher.js';
import { enrollAudience } from '../../engine/enroll.js';
import { getBilling } from './get-billing.js';
import { trackingKeys } from '../tracking/tokens.js';
import { lockQuotas, QUOTA_REASON, quotaPausedCampaigns } from './quota.js';

let t: TestApp;
let fake: FakeStripe;
let peer: SmtpPeer;
let channels: ChannelCache;

beforeAll(async () => {
  fake = await startFakeStripe();
  peer = await startSmtpPeer({ user: 'sender', password: 'sender-password' });
  // Free: 5 messages a month; Starter: 8.
  t = await createTestApp({ env: { ...fake.env(), BILLING_PLANS: TEST_PLANS(fake) } });
  channels = createChannelCache(t.deps);
});
afterAll(async () => {
  await channels?.closeAll();
  await peer?.close();
  await t?.close();
  await fake?.close();
});
beforeEach(async () => {
  // The engine claims across every workspace: each test starts with an empty queue.
  await t.deps.db.execute(sql`UPDATE messages SET status = 'skipped', reason = 'test cleanup' WHERE status IN ('scheduled', 'paused', 'sending')`);
  peer.received.length = 0;
  peer.rcptReplies.clear();
});

// Monday 2026-11-23 10:00 UTC; the quota month is November 2026.
const MONDAY_10 = new Date('2026-11-23T10:00:00Z');

async function seed(contacts: number, inboxes = 2) {
  const s = await seedCampaign(t.deps, { smtpPort: peer.port, contacts, inboxes });
  await enrollAudience(t.deps, s.campaignId, MONDAY_10);
  return s;
}

/** Rounds at one instant until nothing more is claimed; small batches so concurrent workers interleave. */
async function drain(now: Date, workerId: string, batchSize = 2) {
  let sent = 0;
  for (let i = 0; i < 200; i++) {
    const round = await dispatchOnce(t.deps, channels, { now, workerId, batchSize, concurrency: 4, leaseMs: 300_000 });
    sent += round.sent;
    if (!round.claimed) return sent;
  }
  throw new Error('dispatch did not settle');
}

const statuses = async (campaignId: string) =>
  queryRows<{ status: string; reason: string | null; n: number }>(t.deps.db, sql`
    SELECT status, reason, count(*)::int AS n FROM messages WHERE campaign_id = ${campaignId} GROUP BY status, reason ORDER BY status`);
const counter = async (workspaceId: string, month: string) =>
  (await queryRows<{ count: number }>(t.deps.db, sql`SELECT count FROM send_counters WHERE key = ${`quota:${workspaceId}`} AND day = ${month}::date`))[0]?.count ?? 0;

describe(`monthly message quota in the sending engine (${engineName})`, () => {
  it('two workers racing at the boundary send exactly the quota; the rest pause with the reason instead of failing', async () => {
    // Many inboxes, so the two workers lock disjoint ones and really claim at the same time.
    const s = await seed(9, 24);
    const [a, b] = await Promise.all([drain(MONDAY_10, 'worker-a'), drain(MONDAY_10, 'worker-b')]);
    // A worker stops when a round finds everything locked by the other; one more round settles the rest.
    const settle = await drain(MONDAY_10, 'worker-a');
    expect(a + b + settle).toBe(5);
    expect(peer.received).toHaveLength(5);
    expect(await counter(s.workspaceId, '2026-11-01')).toBe(5);
    expect(await statuses(s.campaignId)).toEqual([{ status: 'paused', reason: QUOTA_REASON, n: 4 }, { status: 'sent', reason: null, n: 5 }]);
    // Visible where the user looks, and the campaign is neither failed nor finished.
    expect(await quotaPausedCampaigns(t.deps.db, s.workspaceId)).toEqual([{ id: s.campaignId, name: 'Q4 outreach', messages: 4 }]);
    await tickCampaigns(t.deps, MONDAY_10);
    const [campaign] = await queryRows<{ status: string }>(t.deps.db, sql`SELECT status FROM campaigns WHERE id = ${s.campaignId}`);
    expect(campaign!.status).toBe('running');
    // The tick does not resume them while the month has no room left.
    expect(await drain(new Date(MONDAY_10.getTime() + 60_000), 'worker-a')).toBe(0);

    // The owner upgrades: the webhook puts the paused messages back and they go out up to the new quota (8).
    const owner = new TestClient(t.app);
    const o = await owner.signup();
    await t.deps.db.insert(memberships).values({ workspaceId: s.workspaceId, userId: o.user.id, role: 'owner' });
    owner.workspaceId = s.workspaceId;
    await upgrade(t.app, owner, fake, 'starter');
    expect((await statuses(s.campaignId)).find((r) => r.status === 'scheduled')?.n).toBe(4);
    const later = new Date(MONDAY_10.getTime() + 120_000);
    const [c, d] = await Promise.all([drain(later, 'worker-a'), drain(later, 'worker-b')]);
    expect(c + d + (await drain(later, 'worker-b'))).toBe(3);
    expect(await counter(s.workspaceId, '2026-11-01')).toBe(8);
    expect(await statuses(s.campaignId)).toEqual([{ status: 'paused', reason: QUOTA_REASON, n: 1 }, { status: 'sent', reason: null, n: 8 }]);
    const usage = await getBilling(t.deps.db, t.deps.config, { workspaceId: s.workspaceId, role: 'owner' }, later);
    expect(usage).toMatchObject({ plan: { key: 'starter' }, usage: { messagesPerMonth: 8 }, usagePeriodStart: '2026-11-01', quotaPausedCampaigns: [{ id: s.campaignId, messages: 1 }] });
  });

  it('a claim waits for the quota row another transaction holds and counts what that one committed', async () => {
    const s = await seed(3, 24);
    const key = `quota:${s.workspaceId}`;
    await t.deps.db.execute(sql`INSERT INTO send_counters (key, day, count) VALUES (${key}, '2026-11-01', 0)`);
    let locked!: () => void;
    let release!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    // Another worker's transaction holds the row and is about to commit 4 sends.
    const holder = t.deps.db.transaction(async (tx) => {
      await lockQuotas(tx as unknown as Db, t.deps.config.billing!, [s.workspaceId], MONDAY_10);
      locked();
      await released;
      await tx.execute(sql`UPDATE send_counters SET count = 4 WHERE key = ${key} AND day = '2026-11-01'`);
    });
    await isLocked;
    const claim = (i: number) => claimMessages(t.deps.db, { now: MONDAY_10, workerId: `w${i}`, limit: 1, leaseMs: 300_000, publicUrl: 'http://app.test', keys: trackingKeys(t.deps.config.secrets), billing: t.deps.config.billing });
    const claims = Promise.all([0, 1, 2].map(claim));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await holder;
    expect((await claims).flat()).toHaveLength(1);
    expect(await counter(s.workspaceId, '2026-11-01')).toBe(5);
    // A claim that found its inbox locked by another left its message for the next round.
    for (let i = 0; i < 5; i++) expect(await claim(9)).toHaveLength(0);
    expect(await statuses(s.campaignId)).toEqual([{ status: 'paused', reason: QUOTA_REASON, n: 2 }, { status: 'sending', reason: null, n: 1 }]);
  });

  it('a send that did not happen gives its unit back, so the month still gets exactly its quota', async () => {
    const s = await seed(6, 1);
    peer.rcptReplies.set('lead1@prospect0.test', { code: 451, text: '4.7.1 <lead1@prospect0.test>: try again later' });
    // Due first, so it is among the five the first claim lets through.
    await t.deps.db.execute(sql`UPDATE messages m SET send_at = ${new Date(MONDAY_10.getTime() - 60_000).toISOString()}::timestamptz
      FROM contacts c WHERE m.contact_id = c.id AND m.campaign_id = ${s.campaignId} AND c.email = 'lead1@prospect0.test'`);
    expect(await drain(MONDAY_10, 'w1', 10)).toBe(4);
    expect(await counter(s.workspaceId, '2026-11-01')).toBe(4);
    // The unit the failed attempt gave back lets one more message go: the retry or the one the
    // tick resumes, whichever is claimed first (both wait for the inbox the 451 slowed down); the other waits.
    peer.rcptReplies.clear();
    await tickCampaigns(t.deps, MONDAY_10);
    expect(await drain(new Date(MONDAY_10.getTime() + 5 * 60_000), 'w1', 10)).toBe(1);
    expect(await counter(s.workspaceId, '2026-11-01')).toBe(5);
    expect(await statuses(s.campaignId)).toEqual([{ status: 'paused', reason: QUOTA_REASON, n: 1 }, { status: 'sent', reason: null, n: 5 }]);
  });

  it('a new month gives the quota back and the campaign tick resumes what waited', async () => {
    const s = await seed(7, 1);
    expect(await drain(MONDAY_10, 'w1', 10)).toBe(5);
    const december = new Date('2026-12-01T00:05:00Z');
    await tickCampaigns(t.deps, december);
    expect(await drain(december, 'w1', 10)).toBe(2);
    expect(await counter(s.workspaceId, '2026-11-01')).toBe(5);
    expect(await counter(s.workspaceId, '2026-12-01')).toBe(2);
    expect(await statuses(s.campaignId)).toEqual([{ status: 'sent', reason: null, n: 7 }]);
  });
});
