import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { joinWorkspace, seedCampaign, sendOnce } from '../../../test/helpers/campaign-fixture.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { startSmtpPeer, type SmtpPeer } from '../../../test/helpers/smtp-peer.js';
import { queryRows } from '../../db/sql-helpers.js';

let t: TestApp;
let peer: SmtpPeer;
beforeAll(async () => {
  t = await createTestApp();
  peer = await startSmtpPeer({ user: 'sender', password: 'sender-password' });
});
afterAll(async () => {
  await peer?.close();
  await t?.close();
});

const smtpAccount = (email: string, password: string) => ({
  email, fromName: 'Sam', smtp: { host: '127.0.0.1', port: peer.port, security: 'none', user: 'sender', password },
  imap: { host: '127.0.0.1', port: 1, secure: false, user: email, password: 'x' },
});

describe(`account health and test sends (${engineName})`, () => {
  it('sends a test message through the account and shows the server\'s answer; a refused login is reported, not thrown', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    const good = (await c.post('/api/v1/senders', smtpAccount('sam@acme.test', 'sender-password'))).body;
    const res = await c.post(`/api/v1/senders/${good.id}/test-send`, { to: 'me@acme.test' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, detail: expect.stringMatching(/^250 /) });
    const got = peer.received.at(-1)!;
    expect(got.to).toEqual(['me@acme.test']);
    expect(got.raw).toMatch(/^Subject: Test message from sam@acme\.test/m);

    const bad = (await c.post('/api/v1/senders', smtpAccount('bad@acme.test', 'wrong'))).body;
    const refused = await c.post(`/api/v1/senders/${bad.id}/test-send`, { to: 'me@acme.test' });
    expect(refused.body).toMatchObject({ ok: false, kind: 'auth', detail: expect.stringContaining('535') });
    const invalid = await c.post(`/api/v1/senders/${good.id}/test-send`, { to: 'not-an-address' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ field: 'to' })]);
  });

  it('shows today\'s sends, and bounce and reply rates per account', async () => {
    const c = new TestClient(t.app);
    const { user } = await c.signup();
    peer.rcptReplies.set('gone@prospect.test', { code: 550, text: '5.1.1 User unknown' });
    const s = await seedCampaign(t.deps, { smtpPort: peer.port, contacts: [{ email: 'a@prospect.test' }, { email: 'b@prospect.test' }, { email: 'c@prospect.test' }, { email: 'gone@prospect.test' }] });
    await joinWorkspace(t.deps, user.id, s.workspaceId);
    c.workspaceId = s.workspaceId;
    await sendOnce(t.deps, s);
    const [a] = await queryRows<{ id: string; contact_id: string }>(t.deps.db, sql`SELECT id, contact_id FROM messages WHERE to_email = 'a@prospect.test' AND campaign_id = ${s.campaignId}`);
    await t.deps.db.execute(sql`INSERT INTO contact_events (workspace_id, contact_id, type, channel, campaign_id, message_id) VALUES (${s.workspaceId}, ${a!.contact_id}, 'replied', 'email', ${s.campaignId}, ${a!.id})`);

    const [sender] = (await c.get('/api/v1/senders')).body.items;
    expect(sender.stats).toEqual({ sentToday: 3, sent30d: 4, bounced30d: 1, replied30d: 1, bounceRate: 0.25, replyRate: 0.25 });
    expect((await c.get(`/api/v1/senders/${sender.id}`)).body.stats).toMatchObject({ sentToday: 3 });
  });
});
