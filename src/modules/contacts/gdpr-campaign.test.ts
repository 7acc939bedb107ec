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

describe(`GDPR with campaign history (${engineName})`, () => {
  it('exports the messages sent, their opens and the conversations; erasure removes their contents and stops the sequence', async () => {
    const c = new TestClient(t.app);
    const { user } = await c.signup();
    const s = await seedCampaign(t.deps, {
      smtpPort: peer.port, contacts: [{ email: 'pat@private.test', firstName: 'Patricia' }],
      steps: [{ variants: [{ subject: 'For {{ first_name }}', bodyText: 'Hello {{ first_name }}' }] }, { delayMinutes: 60, variants: [{ bodyText: 'again' }] }],
    });
    await joinWorkspace(t.deps, user.id, s.workspaceId);
    c.workspaceId = s.workspaceId;
    expect((await sendOnce(t.deps, s)).sent).toBe(1);
    const contactId = s.contactIds[0]!;
    const [sent] = await queryRows<{ id: string }>(t.deps.db, sql`SELECT id FROM messages WHERE contact_id = ${contactId} AND status = 'sent'`);
    await t.deps.db.execute(sql`INSERT INTO tracking_events (workspace_id, message_id, kind, ip, user_agent) VALUES (${s.workspaceId}, ${sent!.id}, 'open', '203.0.113.9', 'Thunderbird/128')`);
    const [conv] = await queryRows<{ id: string }>(t.deps.db, sql`INSERT INTO conversations (workspace_id, contact_id, channel, thread_key, subject, last_preview)
      VALUES (${s.workspaceId}, ${contactId}, 'email', 'email:x:y', 'Re: For Patricia', 'my secret reply') RETURNING id`);
    await t.deps.db.execute(sql`INSERT INTO conversation_messages (workspace_id, conversation_id, direction, external_id, from_address, text, status)
      VALUES (${s.workspaceId}, ${conv!.id}, 'in', '<r1@private.test>', 'pat@private.test', 'my secret reply', 'received')`);

    const exported = await c.get(`/api/v1/contacts/${contactId}/gdpr-export`);
    expect(exported.status).toBe(200);
    expect(exported.body.messages).toEqual([expect.objectContaining({ campaign: 'Q4 outreach', step: 1, status: 'sent', to: 'pat@private.test', subject: 'For Patricia', tracking: [expect.objectContaining({ kind: 'open', ip: '203.0.113.9' })] })]);
    expect(exported.body.messages[0].text).toContain('Hello Patricia');
    expect(exported.body.conversations).toEqual([expect.objectContaining({ channel: 'email', messages: [expect.objectContaining({ direction: 'in', text: 'my secret reply' })] })]);

    expect((await c.post(`/api/v1/contacts/${contactId}/erase`)).status).toBe(204);
    const [dump] = await queryRows<{ d: string }>(t.deps.db, sql`
      SELECT (SELECT coalesce(json_agg(m), '[]') FROM messages m WHERE m.contact_id = ${contactId})::text ||
             (SELECT coalesce(json_agg(te), '[]') FROM tracking_events te WHERE te.workspace_id = ${s.workspaceId})::text ||
             (SELECT coalesce(json_agg(cv), '[]') FROM conversations cv WHERE cv.contact_id = ${contactId})::text ||
             (SELECT coalesce(json_agg(cm), '[]') FROM conversation_messages cm WHERE cm.conversation_id = ${conv!.id})::text AS d`);
    for (const secret of ['pat@private.test', 'Patricia', 'my secret reply', '203.0.113.9', 'Thunderbird']) expect(dump!.d).not.toContain(secret);
    const follow = await queryRows<{ status: string; reason: string }>(t.deps.db, sql`SELECT status, reason FROM messages WHERE contact_id = ${contactId} AND step_position = 2`);
    expect(follow).toEqual([{ status: 'skipped', reason: 'contact erased' }]);
    const enrollment = await queryRows<{ status: string }>(t.deps.db, sql`SELECT status FROM enrollments WHERE contact_id = ${contactId}`);
    expect(enrollment).toEqual([{ status: 'stopped' }]);
  });
});
