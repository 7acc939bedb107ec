import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { startFakeGoogle, type FakeGoogle } from '../../test/fakes/google.js';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { seedCampaign } from '../../test/helpers/campaign-fixture.js';
import { engineName } from '../../test/helpers/db.js';
import { senderAccounts } from '../db/schema/index.js';
import { queryRows } from '../db/sql-helpers.js';
import { sealSecret } from '../modules/senders/senders.js';
import { createChannelCache, type ChannelCache } from './channel-cache.js';
import { claimMessages } from './claim-messages.js';
import { dispatchOnce } from './dispatcher.js';
import { trackingKeys } from '../modules/tracking/tokens.js';
import { enrollAudience } from './enroll.js';

/**
 * The engine through the Gmail API (a fake Google speaking the real protocol): follow-ups are
 * filed into the Gmail thread, and a revoked grant pauses the inbox's queue instead of failing it.
 */
const ME = 'rep@workspace-co.test';
let g: FakeGoogle;
let t: TestApp;
let channels: ChannelCache;

beforeAll(async () => {
  g = await startFakeGoogle({ email: ME });
  t = await createTestApp({
    env: {
      GOOGLE_CLIENT_ID: g.clientId, GOOGLE_CLIENT_SECRET: g.clientSecret,
      GOOGLE_AUTH_URL: `${g.oauthBaseUrl}/o/oauth2/v2/auth`, GOOGLE_TOKEN_URL: `${g.oauthBaseUrl}/token`,
      GOOGLE_API_BASE_URL: g.apiBaseUrl, GOOGLE_USERINFO_URL: `${g.apiBaseUrl}/oauth2/v2/userinfo`,
    },
  });
  channels = createChannelCache(t.deps);
});
beforeEach(async () => {
  // The engine claims across every campaign in the database: each test starts with an empty queue.
  await t.deps.db.execute(sql`UPDATE messages SET status = 'skipped', reason = 'test cleanup' WHERE status IN ('scheduled', 'paused', 'sending')`);
});
afterAll(async () => {
  await channels?.closeAll();
  await t?.close();
  await g?.close();
});

/** A campaign whose one inbox is a connected Gmail account (tokens as the OAuth flow stores them). */
async function gmailCampaign(contacts: number) {
  const s = await seedCampaign(t.deps, {
    smtpPort: 1, contacts,
    steps: [{ variants: [{ subject: 'Hello {{ first_name }}', bodyText: 'one' }] }, { delayMinutes: 60, variants: [{ bodyText: 'two' }] }],
  });
  const tokens = g.issueTokens(ME);
  const id = s.senderIds[0]!;
  await t.deps.db.update(senderAccounts).set({
    kind: 'gmail', email: ME, sendingDomain: 'workspace-co.test', smtpHost: null, smtpPort: null, smtpSecurity: null, smtpUser: null, smtpPasswordEnc: null,
    imapHost: null, imapPort: null, imapSecure: null, imapUser: null, imapPasswordEnc: null,
    accessTokenEnc: sealSecret(t.deps.config.secrets, id, 'accessTokenEnc', tokens.accessToken),
    refreshTokenEnc: sealSecret(t.deps.config.secrets, id, 'refreshTokenEnc', tokens.refreshToken),
    tokenExpiresAt: new Date(Date.now() + 3600_000), scopes: ['https://www.googleapis.com/auth/gmail.send', 'https://www.googleapis.com/auth/gmail.readonly'], updatedAt: new Date(),
  }).where(eq(senderAccounts.id, id));
  return { ...s, refreshToken: tokens.refreshToken };
}

const round = (now: Date) => dispatchOnce(t.deps, channels, { now, workerId: 'w', batchSize: 20, concurrency: 4, leaseMs: 60_000 });

describe(`campaign engine over the Gmail API (${engineName})`, () => {
  it('sends through users.messages.send and files each follow-up into the first message\'s Gmail thread', async () => {
    const s = await gmailCampaign(2);
    const now = new Date();
    await enrollAudience(t.deps, s.campaignId, now);
    expect((await round(now)).sent).toBe(2);
    expect((await round(new Date(now.getTime() + 2 * 3600_000))).sent).toBe(2);
    const rows = await queryRows<{ contact_id: string; step_position: number; provider_thread_id: string; message_id_header: string }>(t.deps.db, sql`
      SELECT contact_id, step_position, provider_thread_id, message_id_header FROM messages WHERE campaign_id = ${s.campaignId} ORDER BY contact_id, step_position`);
    for (let i = 0; i < rows.length; i += 2) {
      expect(rows[i + 1]!.provider_thread_id).toBe(rows[i]!.provider_thread_id);
      const followUp = g.mailbox(ME).messages.find((m) => m.headers.some((h) => h.name.toLowerCase() === 'message-id' && h.value === rows[i + 1]!.message_id_header));
      expect(followUp?.threadId).toBe(rows[i]!.provider_thread_id);
    }
  });

  it('after a crash, a message found by rfc822msgid: is recorded as sent and one Gmail has no copy of goes out again', async () => {
    const s = await gmailCampaign(2);
    const now = new Date();
    await enrollAudience(t.deps, s.campaignId, now);
    // A worker claims both, gets one out, and dies before recording anything.
    const claimed = await claimMessages(t.deps.db, { now, workerId: 'dead', limit: 10, leaseMs: 60_000, publicUrl: 'http://app.test', keys: trackingKeys(t.deps.config.secrets) });
    expect(claimed).toHaveLength(2);
    expect((await channels.get(claimed[0]!.sender).send(claimed[0]!.composed.email)).ok).toBe(true);
    const inGmail = () => g.mailbox(ME).messages.filter((m) => claimed.some((c) => m.headers.some((h) => h.name.toLowerCase() === 'message-id' && h.value === c.composed.email.messageId))).length;
    expect(inGmail()).toBe(1);

    const afterLease = new Date(now.getTime() + 120_000);
    await round(afterLease);
    const rows = await queryRows<{ id: string; status: string; attempts: number }>(t.deps.db, sql`SELECT id, status, attempts FROM messages WHERE campaign_id = ${s.campaignId} AND step_position = 1`);
    expect(rows.find((r) => r.id === claimed[0]!.candidate.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(rows.find((r) => r.id === claimed[1]!.candidate.id)?.status).toMatch(/^(scheduled|sent)$/);
    await round(afterLease);
    expect((await queryRows<{ status: string }>(t.deps.db, sql`SELECT status FROM messages WHERE campaign_id = ${s.campaignId} AND step_position = 1`)).map((r) => r.status)).toEqual(['sent', 'sent']);
    // Each message is in the mailbox exactly once: the found one was not sent again.
    expect(inGmail()).toBe(2);
    expect(g.state.requests.some((r) => r.path.endsWith('/messages') && r.query.get('q')?.startsWith('rfc822msgid:'))).toBe(true);
  });

  it('a revoked grant marks the account "reconnect needed" and pauses its queued messages, with no retry loop', async () => {
    const s = await gmailCampaign(3);
    const now = new Date();
    await enrollAudience(t.deps, s.campaignId, now);
    expect((await round(now)).sent).toBe(3);
    g.revokeRefreshToken(s.refreshToken);
    g.expireAccessTokens();
    const later = new Date(now.getTime() + 2 * 3600_000);
    expect((await round(later)).sent).toBe(0);
    const [sender] = await queryRows<{ status: string; status_reason: string }>(t.deps.db, sql`SELECT status, status_reason FROM sender_accounts WHERE id = ${s.senderIds[0]}`);
    expect(sender).toMatchObject({ status: 'reconnect_needed', status_reason: expect.stringContaining('invalid_grant') });
    const followUps = await queryRows<{ status: string; attempts: number }>(t.deps.db, sql`SELECT status, attempts FROM messages WHERE campaign_id = ${s.campaignId} AND step_position = 2`);
    expect(followUps.map((m) => m.status)).toEqual(['paused', 'paused', 'paused']);
    // No retry loop: later rounds don't go back to the token endpoint.
    const tokenCalls = () => g.state.requests.filter((r) => r.path === '/token').length;
    const before = tokenCalls();
    for (let i = 1; i <= 3; i++) await round(new Date(later.getTime() + i * 60_000));
    expect(tokenCalls()).toBe(before);
  });
});
