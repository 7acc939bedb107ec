import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { campaigns, contactEvents, contacts, conversationMessages, enrollments, facebookPages, memberships, messages } from '../../db/schema/index.js';
import { createSmtpAccount } from '../senders/senders.js';
import { emailThreadKey, findOrCreateConversation, messengerThreadKey, touchConversation } from './conversation-store.js';

let t: TestApp;
let owner: TestClient;
let teammate: TestClient;
let outsider: TestClient;
let workspaceId: string;
let ownerId: string;
let teammateId: string;
const ids = {} as Record<'sender' | 'sender2' | 'page' | 'campaign' | 'ann' | 'bob' | 'cleo' | 'annMail' | 'annMessenger' | 'bobMail' | 'cleoMessenger', string>;

const q = async <T = Record<string, any>>(text: string, params: unknown[] = []) => (await t.deps.database.sql.query<T>(text, params)).rows;
const base = Date.parse('2025-03-03T09:00:00Z');
const at = (minutes: number) => new Date(base + minutes * 60_000);

/** A thread with messages at the given minutes; inbound ones count as unread. */
async function thread(key: Parameters<typeof findOrCreateConversation>[1], msgs: { dir: 'in' | 'out'; min: number; text: string; subject?: string; campaignMessageId?: string; externalId?: string }[]) {
  const { id } = await findOrCreateConversation(t.deps.db, key);
  for (const [i, m] of msgs.entries()) {
    await t.deps.db.insert(conversationMessages).values({
      workspaceId, conversationId: id, direction: m.dir, externalId: m.externalId ?? `<${id}.${i}@test>`, text: m.text, subject: m.subject ?? null, status: m.dir === 'in' ? 'received' : 'sent',
      occurredAt: at(m.min), campaignMessageId: m.campaignMessageId ?? null, fromName: m.dir === 'in' ? 'Them' : 'Us',
    });
    await touchConversation(t.deps.db, id, { at: at(m.min), preview: m.text, inbound: m.dir === 'in' });
  }
  return id;
}

beforeAll(async () => {
  t = await createTestApp();
  owner = new TestClient(t.app);
  const signed = await owner.signup({ name: 'Olga Owner' });
  workspaceId = signed.workspace.id;
  ownerId = signed.user.id;
  teammate = new TestClient(t.app);
  teammateId = (await teammate.signup({ name: 'Tim Teammate' })).user.id;
  await t.deps.db.insert(memberships).values({ workspaceId, userId: teammateId, role: 'member' });
  teammate.workspaceId = workspaceId;
  outsider = new TestClient(t.app);
  await outsider.signup({ name: 'Otto Outsider' });

  const smtp = { host: '127.0.0.1', port: 2525, security: 'none' as const, user: 'u', password: 'p' };
  const imap = { host: '127.0.0.1', port: 1, secure: false, user: 'u', password: 'p' };
  ids.sender = (await createSmtpAccount(t.deps.db, t.deps.config.secrets, workspaceId, { email: 'sam@acme.test', fromName: 'Sam', smtp, imap })).id;
  ids.sender2 = (await createSmtpAccount(t.deps.db, t.deps.config.secrets, workspaceId, { email: 'sue@acme.test', fromName: 'Sue', smtp, imap })).id;
  ids.page = (await t.deps.db.insert(facebookPages).values({ workspaceId, pageId: '900100', name: 'Acme Bikes', accessTokenEnc: 'unused' }).returning())[0]!.id;
  ids.campaign = (await t.deps.db.insert(campaigns).values({ workspaceId, name: 'Q4 outreach' }).returning())[0]!.id;
  const people = await t.deps.db.insert(contacts).values([
    { workspaceId, email: 'ann@acme-client.test', firstName: 'Ann', lastName: 'Archer', messengerPageId: '900100', messengerPsid: '7001' },
    { workspaceId, email: 'bob@beta.test', firstName: 'Bob', lastName: 'Baker' },
    { workspaceId, firstName: 'Cleo', lastName: 'Cruz', messengerPageId: '900100', messengerPsid: '7002', source: 'messenger' },
  ]).returning({ id: contacts.id });
  [ids.ann, ids.bob, ids.cleo] = people.map((p) => p.id) as [string, string, string];

  // Ann got step 1 and step 2 of the campaign; she answered step 1 (so it is in her thread), step 2 only sits in her history.
  const [enrollment] = await t.deps.db.insert(enrollments).values({ workspaceId, campaignId: ids.campaign, contactId: ids.ann, senderId: ids.sender }).returning();
  const [step1, step2] = await t.deps.db.insert(messages).values([1, 2].map((step) => ({
    workspaceId, campaignId: ids.campaign, enrollmentId: enrollment!.id, contactId: ids.ann, stepPosition: step, senderId: ids.sender, status: 'sent' as const,
    sendAt: at(step * 10 - 100), sentAt: at(step * 10 - 100), messageIdHeader: `<step${step}@acme.test>`, subject: step === 1 ? 'Idea for Acme' : null, bodyText: step === 1 ? 'Hi Ann, an idea.' : 'Bumping this up.',
  }))).returning({ id: messages.id });
  ids.annMail = await thread({ workspaceId, contactId: ids.ann, channel: 'email', threadKey: emailThreadKey(ids.sender, ids.ann), senderId: ids.sender, campaignId: ids.campaign, subject: 'Idea for Acme', at: at(0) }, [
    { dir: 'out', min: -90, text: 'Hi Ann, an idea.', subject: 'Idea for Acme', campaignMessageId: step1!.id, externalId: '<step1@acme.test>' },
    { dir: 'in', min: 10, text: 'Tell me more about pricing', subject: 'Re: Idea for Acme', campaignMessageId: step1!.id },
  ]);
  void step2;
  ids.annMessenger = await thread({ workspaceId, contactId: ids.ann, channel: 'messenger', threadKey: messengerThreadKey(ids.page, ids.ann), pageId: ids.page, at: at(0) }, [
    { dir: 'in', min: 20, text: 'Also pinging you here' },
    { dir: 'out', min: 21, text: 'Got it, answering by email' },
  ]);
  ids.bobMail = await thread({ workspaceId, contactId: ids.bob, channel: 'email', threadKey: emailThreadKey(ids.sender2, ids.bob), senderId: ids.sender2, subject: 'Partnership', at: at(0) }, [
    { dir: 'in', min: 30, text: 'Not interested, thanks', subject: 'Partnership' },
  ]);
  ids.cleoMessenger = await thread({ workspaceId, contactId: ids.cleo, channel: 'messenger', threadKey: messengerThreadKey(ids.page, ids.cleo), pageId: ids.page, at: at(0) }, [
    { dir: 'in', min: 40, text: 'Do you ship bikes to Lisbon?' },
    { dir: 'in', min: 41, text: 'Any discount?' },
  ]);
  await t.deps.db.insert(contactEvents).values({ workspaceId, contactId: ids.ann, type: 'clicked', channel: 'email', campaignId: ids.campaign, messageId: step1!.id, occurredAt: at(5), metadata: { url: 'https://acme.test/pricing' } });
  // Bob's thread is triaged: labelled, assigned to the teammate and closed.
  await q(`UPDATE conversations SET labels = '{not_interested}', assigned_user_id = $2, status = 'closed', unread_count = 0 WHERE id = $1`, [ids.bobMail, teammateId]);
  await q(`UPDATE conversations SET labels = '{interested}', assigned_user_id = $2 WHERE id = $1`, [ids.annMail, ownerId]);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const list = async (c: TestClient, query = '') => {
  const res = await c.get(`/api/v1/conversations${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: any[]; nextCursor: string | null };
};
const idsOf = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

describe(`inbox list (${engineName})`, () => {
  it('lists every conversation newest first, with contact, account, preview, unread count, labels and assignee', async () => {
    const body = await list(owner);
    expect(idsOf(body)).toEqual([ids.cleoMessenger, ids.bobMail, ids.annMessenger, ids.annMail]);
    const cleo = body.items[0];
    expect(cleo).toMatchObject({
      channel: 'messenger', status: 'open', unreadCount: 2, lastPreview: 'Any discount?', lastMessageAt: at(41).toISOString(), labels: [], assignee: null,
      contact: { id: ids.cleo, name: 'Cleo Cruz', email: null, messengerPsid: '7002' }, account: { kind: 'page', id: ids.page, label: 'Acme Bikes', status: 'active' }, campaign: null,
    });
    const ann = body.items.find((i) => i.id === ids.annMail);
    expect(ann).toMatchObject({
      channel: 'email', subject: 'Idea for Acme', unreadCount: 1, labels: ['interested'], lastPreview: 'Tell me more about pricing',
      contact: { name: 'Ann Archer', email: 'ann@acme-client.test' }, account: { kind: 'sender', id: ids.sender, label: 'sam@acme.test' },
      campaign: { id: ids.campaign, name: 'Q4 outreach' }, assignee: { id: ownerId, name: 'Olga Owner' },
    });
    expect(body.nextCursor).toBeNull();
  });

  it.each([
    ['?channel=email', () => [ids.bobMail, ids.annMail]],
    ['?channel=messenger', () => [ids.cleoMessenger, ids.annMessenger]],
    [() => `?senderId=${ids.sender2}`, () => [ids.bobMail]],
    [() => `?pageId=${ids.page}`, () => [ids.cleoMessenger, ids.annMessenger]],
    [() => `?campaignId=${ids.campaign}`, () => [ids.annMail]],
    ['?status=closed', () => [ids.bobMail]],
    ['?status=open&channel=email', () => [ids.annMail]],
    ['?unread=true', () => [ids.cleoMessenger, ids.annMessenger, ids.annMail]],
    ['?unread=false', () => [ids.bobMail]],
    ['?label=not_interested', () => [ids.bobMail]],
    ['?label=meeting_booked', () => []],
    ['?assignee=me', () => [ids.annMail]],
    ['?assignee=unassigned', () => [ids.cleoMessenger, ids.annMessenger]],
    [() => `?assignee=${teammateId}`, () => [ids.bobMail]],
    ['?q=archer', () => [ids.annMessenger, ids.annMail]],
    ['?q=BETA.test', () => [ids.bobMail]],
    ['?q=partnership', () => [ids.bobMail]],
    ['?q=100%25', () => []],
  ] as [string | (() => string), () => string[]][])('filter %s', async (query, expected) => {
    expect(idsOf(await list(owner, typeof query === 'function' ? query() : query))).toEqual(expected());
  });

  it('"assignee=me" is the caller: the teammate sees Bob\'s thread', async () => {
    expect(idsOf(await list(teammate, '?assignee=me'))).toEqual([ids.bobMail]);
  });

  it('pages with a keyset cursor: every conversation once, in order, even when one moves up meanwhile', async () => {
    const first = await list(owner, '?limit=2');
    expect(idsOf(first)).toEqual([ids.cleoMessenger, ids.bobMail]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list(owner, `?limit=2&cursor=${first.nextCursor}`);
    expect(idsOf(second)).toEqual([ids.annMessenger, ids.annMail]);
    expect(second.nextCursor).toBeNull();
    // Same-timestamp rows are told apart by id.
    await q('UPDATE conversations SET last_message_at = $2 WHERE id = ANY($1::uuid[])', [[ids.annMessenger, ids.annMail], at(21)]);
    const tied = [ids.annMessenger, ids.annMail].sort().reverse();
    const a = await list(owner, '?limit=3');
    const b = await list(owner, `?limit=3&cursor=${a.nextCursor}`);
    expect([...idsOf(a), ...idsOf(b)]).toEqual([ids.cleoMessenger, ids.bobMail, ...tied]);
    await q('UPDATE conversations SET last_message_at = $2 WHERE id = $1', [ids.annMail, at(10)]);
  });

  it('rejects a forged cursor and bad filters naming the field', async () => {
    const bad = await owner.get('/api/v1/conversations?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
    const label = await owner.get('/api/v1/conversations?label=hot');
    expect(label.status).toBe(422);
    expect(label.body.errors[0].field).toBe('querystring.label');
    const assignee = await owner.get('/api/v1/conversations?assignee=somebody');
    expect(assignee.status).toBe(422);
    expect(assignee.body.errors[0]).toMatchObject({ field: 'querystring.assignee', message: expect.stringContaining('"me"') });
  });

  it('counts unread conversations for the badges: in all, mine, per channel and per label', async () => {
    const res = await owner.get('/api/v1/conversations/counts');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      unread: 3, assignedToMe: 1, channels: { email: 1, messenger: 2 },
      labels: { interested: 1, not_interested: 0, out_of_office: 0, meeting_booked: 0 },
    });
  });

  it("another workspace sees none of it: empty list, 404 on read, update and reply", async () => {
    expect((await list(outsider)).items).toEqual([]);
    expect((await outsider.get(`/api/v1/conversations/${ids.annMail}`)).status).toBe(404);
    expect((await outsider.patch(`/api/v1/conversations/${ids.annMail}`, { status: 'closed' })).status).toBe(404);
    expect((await outsider.post(`/api/v1/conversations/${ids.annMail}/reply`, { text: 'hi' })).status).toBe(404);
    expect((await outsider.get('/api/v1/conversations/counts')).body.unread).toBe(0);
    // And naming the other workspace explicitly does not help.
    outsider.workspaceId = workspaceId;
    expect((await outsider.get('/api/v1/conversations')).status).toBe(404);
    outsider.workspaceId = null;
  });
});

describe(`conversation thread (${engineName})`, () => {
  it("returns the thread oldest first and the contact's history across channels, newest last; markRead=false leaves it unread", async () => {
    const res = await owner.get(`/api/v1/conversations/${ids.annMail}?markRead=false`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { conversation, messages, history, reply } = res.body;
    expect(conversation).toMatchObject({ id: ids.annMail, unreadCount: 1 });
    expect(messages.map((m: any) => [m.direction, m.text, m.campaign?.step ?? null])).toEqual([
      ['out', 'Hi Ann, an idea.', 1],
      ['in', 'Tell me more about pricing', 1],
    ]);
    expect(messages[0].campaign).toEqual({ id: ids.campaign, name: 'Q4 outreach', step: 1 });
    // Her Messenger thread, the unanswered step 2 and the click, in time order.
    expect(history.map((h: any) => [h.kind, h.kind === 'event' ? h.type : h.kind === 'message' ? h.channel : h.step, h.occurredAt])).toEqual([
      ['campaign_message', 2, at(-80).toISOString()],
      ['event', 'clicked', at(5).toISOString()],
      ['message', 'messenger', at(20).toISOString()],
      ['message', 'messenger', at(21).toISOString()],
    ]);
    expect(history[0]).toMatchObject({ campaign: { id: ids.campaign, name: 'Q4 outreach' }, text: 'Bumping this up.' });
    expect(history[1]).toMatchObject({ detail: 'https://acme.test/pricing', campaign: { name: 'Q4 outreach' } });
    expect(history[2]).toMatchObject({ conversationId: ids.annMessenger, direction: 'in', text: 'Also pinging you here' });
    expect(reply).toMatchObject({ channel: 'email', allowed: true, to: 'ann@acme-client.test' });
    expect((await q('SELECT unread_count FROM conversations WHERE id = $1', [ids.annMail]))[0]!.unread_count).toBe(1);
  });

  it('reading it marks it read; the reply box knows the Messenger window', async () => {
    const res = await owner.get(`/api/v1/conversations/${ids.cleoMessenger}`);
    expect(res.status).toBe(200);
    expect(res.body.conversation.unreadCount).toBe(0);
    expect((await q('SELECT unread_count FROM conversations WHERE id = $1', [ids.cleoMessenger]))[0]!.unread_count).toBe(0);
    // Cleo last wrote in March 2025: far outside the window, and this server has no Messenger settings either.
    expect(res.body.reply).toMatchObject({ channel: 'messenger', allowed: false, reason: expect.stringContaining('not set up') });
    expect(res.body.history).toEqual([]);
  });

  it('a bad id is a 422 naming it; an unknown one is a 404', async () => {
    const bad = await owner.get('/api/v1/conversations/nope');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('params.id');
    expect((await owner.get('/api/v1/conversations/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe(`triage with PATCH (${engineName})`, () => {
  const patch = (body: unknown, c = owner) => c.patch(`/api/v1/conversations/${ids.cleoMessenger}`, body);

  it('sets status, replaces labels, marks unread, and answers with the conversation', async () => {
    const res = await patch({ status: 'closed', labels: ['meeting_booked', 'interested', 'interested'], unread: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: ids.cleoMessenger, status: 'closed', labels: ['meeting_booked', 'interested'], unreadCount: 1 });
    expect(idsOf(await list(owner, '?label=meeting_booked'))).toEqual([ids.cleoMessenger]);
    const read = await patch({ unread: false, status: 'open', labels: [] });
    expect(read.body).toMatchObject({ status: 'open', labels: [], unreadCount: 0 });
  });

  it('assigns to a member of the workspace and audits who did it; unassigns with null', async () => {
    const res = await patch({ assignedUserId: teammateId });
    expect(res.status).toBe(200);
    expect(res.body.assignee).toEqual({ id: teammateId, name: 'Tim Teammate', email: expect.any(String) });
    const audit = await q(`SELECT actor_user_id, target_id, metadata FROM audit_log WHERE action = 'conversation.assigned' ORDER BY created_at`);
    expect(audit).toEqual([{ actor_user_id: ownerId, target_id: ids.cleoMessenger, metadata: { from: null, to: teammateId } }]);
    expect((await patch({ assignedUserId: null }, teammate)).body.assignee).toBeNull();
    expect((await q(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'conversation.assigned'`))[0]!.n).toBe(2);
  });

  it('a cookie session needs the CSRF token to change anything; an API key does not', async () => {
    const forged = await owner.request('PATCH', `/api/v1/conversations/${ids.cleoMessenger}`, { body: { status: 'closed' }, csrf: false });
    expect(forged.status).toBe(403);
    expect((await owner.request('POST', `/api/v1/conversations/${ids.cleoMessenger}/reply`, { body: { text: 'hi' }, csrf: false })).status).toBe(403);
    expect((await q('SELECT status FROM conversations WHERE id = $1', [ids.cleoMessenger]))[0]!.status).toBe('open');
    const created = await owner.post('/api/v1/api-keys', { name: 'inbox bot', role: 'member' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const bot = new TestClient(t.app);
    bot.apiKey = created.body.key;
    expect(idsOf(await list(bot, '?label=not_interested'))).toEqual([ids.bobMail]);
    expect((await bot.patch(`/api/v1/conversations/${ids.cleoMessenger}`, { labels: ['interested'] })).body.labels).toEqual(['interested']);
    expect((await bot.patch(`/api/v1/conversations/${ids.cleoMessenger}`, { labels: [] })).status).toBe(200);
    // "me" means a person; a key names the user instead.
    const me = await bot.get('/api/v1/conversations?assignee=me');
    expect(me.status).toBe(422);
    expect(me.body.errors[0].field).toBe('assignee');
  });

  it('refuses what it cannot do, naming the field: a non-member, an unknown label, an unknown field', async () => {
    const outsiderId = (await outsider.get('/api/v1/me')).body.user.id;
    const nonMember = await patch({ assignedUserId: outsiderId });
    expect(nonMember.status).toBe(422);
    expect(nonMember.body.errors).toEqual([{ field: 'assignedUserId', message: 'must be a member of this workspace' }]);
    const label = await patch({ labels: ['hot_lead'] });
    expect(label.status).toBe(422);
    expect(label.body.errors[0]).toMatchObject({ field: 'labels.0', message: expect.stringContaining('interested, not_interested') });
    const unknown = await patch({ priority: 'high' });
    expect(unknown.status).toBe(422);
    const status = await patch({ status: 'archived' });
    expect(status.status).toBe(422);
    expect(status.body.errors[0].field).toBe('status');
    const row = (await q('SELECT assigned_user_id, labels, status FROM conversations WHERE id = $1', [ids.cleoMessenger]))[0];
    expect(row).toEqual({ assigned_user_id: null, labels: [], status: 'open' });
  });
});
