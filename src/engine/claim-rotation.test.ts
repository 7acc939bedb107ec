import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { seedCampaign, type SeededCampaign } from '../../test/helpers/campaign-fixture.js';
import { closedPort } from '../../test/helpers/closed-port.js';
import { engineName } from '../../test/helpers/db.js';
import { sqlArray } from '../db/sql-helpers.js';
import { trackingKeys } from '../modules/tracking/tokens.js';
import { claimMessages } from './claim-messages.js';
import { enrollAudience } from './enroll.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe(`claiming across many campaigns (${engineName})`, () => {
  it('locks inboxes for every campaign in the batch, not only for the one whose inboxes idled longest', async () => {
    // Nothing is sent here: claiming only decides and renders.
    const port = await closedPort();
    const now = new Date();
    const big = await seedCampaign(t.deps, { smtpPort: port, inboxes: 20, contacts: 1 });
    const small: SeededCampaign[] = [];
    for (let i = 0; i < 5; i++) small.push(await seedCampaign(t.deps, { smtpPort: port, inboxes: 2, contacts: 1 }));
    for (const s of [big, ...small]) await enrollAudience(t.deps, s.campaignId, now);
    // The big campaign's inboxes have been free the longest: they come first in "oldest-free" order.
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000).toISOString();
    await t.deps.db.execute(sql`UPDATE sender_pacing SET next_send_at = ${hoursAgo(2)}::timestamptz WHERE sender_id = ANY(${sqlArray(big.senderIds, 'uuid')})`);
    await t.deps.db.execute(sql`UPDATE sender_pacing SET next_send_at = ${hoursAgo(1)}::timestamptz WHERE sender_id = ANY(${sqlArray(small.flatMap((s) => s.senderIds), 'uuid')})`);

    const claimed = await claimMessages(t.deps.db, { now, workerId: 'w1', limit: 10, leaseMs: 60_000, publicUrl: t.deps.config.publicUrl, keys: trackingKeys(t.deps.config.secrets) });

    // One claim takes all six due first steps, each from an inbox of its own campaign.
    expect(claimed).toHaveLength(6);
    for (const s of [big, ...small]) {
      const mine = claimed.filter((c) => c.candidate.campaign_id === s.campaignId);
      expect(mine).toHaveLength(1);
      expect(s.senderIds).toContain(mine[0]!.sender.id);
    }
  });
});
