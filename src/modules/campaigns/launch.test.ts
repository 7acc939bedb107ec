import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { addContact, addList, addSender, API, insertMessage, newWorkspace, readyCampaign, setPostalAddress, twoSteps } from '../../../test/helpers/campaigns-api.js';
import { engineName } from '../../../test/helpers/db.js';
import { expandSpintax } from '../../lib/templates.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

type Check = { key: string; ok: boolean; message: string };
type CheckKey = 'postal_address' | 'senders' | 'steps' | 'audience' | 'unsubscribe' | 'variables';
const byKey = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.key, c])) as Record<CheckKey, Check>;
const query = async <T>(text: string, params: unknown[]) => (await t.deps.database.sql.query<T>(text, params)).rows;

describe(`campaign launch (${engineName})`, () => {
  it('checks every launch requirement and says what to fix', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const empty = (await client.post(`${API}/campaigns`, { name: 'Empty' })).body;
    const res = await client.get(`${API}/campaigns/${empty.id}/launch-check`);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.checks.map((c: Check) => [c.key, c.ok])).toEqual([
      ['postal_address', false], ['senders', false], ['steps', false], ['audience', false], ['unsubscribe', true], ['variables', true],
    ]);
    expect(byKey(res.body.checks).unsubscribe.message).toMatch(/unsubscribe link and List-Unsubscribe headers/);
    expect(res.body.audienceCount).toBe(0);

    // Senders that cannot send are named; suppressed, unsubscribed and email-less contacts are not audience.
    const { campaign, senderId } = await readyCampaign(client, workspaceId);
    const second = await addSender(client, 'broken@good.example');
    await query(`UPDATE sender_accounts SET status = 'reconnect_needed' WHERE id = $1`, [second]);
    await client.patch(`${API}/campaigns/${campaign.id}`, { senderIds: [senderId, second] });
    const gone = await addContact(client, { email: 'gone@acme.io' });
    const unsub = await addContact(client, { email: 'unsub@acme.io' });
    await client.post(`${API}/suppressions`, { values: ['gone@acme.io'] });
    await client.patch(`${API}/contacts/${unsub}`, { status: 'unsubscribed' });
    await client.post(`${API}/contacts/bulk`, { ids: [gone, unsub], action: 'add_to_list', listId: campaign.audience.listIds[0] });
    const check = (await client.get(`${API}/campaigns/${campaign.id}/launch-check`)).body;
    expect(byKey(check.checks).senders).toMatchObject({ ok: false, message: expect.stringContaining('reconnect broken@good.example') });
    expect(byKey(check.checks).postal_address.ok).toBe(true);
    expect(check.audienceCount).toBe(1);
  });

  it('cannot launch without a postal address (422 naming the check); launches and enrolls once it is set', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const { campaign, contactIds } = await readyCampaign(client, workspaceId, [{ email: 'a@acme.io', firstName: 'A' }, { email: 'b@acme.io', firstName: 'B' }]);
    await setPostalAddress(client, workspaceId, null);
    const blocked = await client.post(`${API}/campaigns/${campaign.id}/launch`);
    expect(blocked.status).toBe(422);
    expect(blocked.body.errors.map((e: { field: string }) => e.field)).toEqual(['postal_address']);
    expect((await client.get(`${API}/campaigns/${campaign.id}`)).body.status).toBe('draft');

    await setPostalAddress(client, workspaceId);
    const launched = await client.post(`${API}/campaigns/${campaign.id}/launch`);
    expect(launched.status, JSON.stringify(launched.body)).toBe(200);
    expect(launched.body).toMatchObject({ status: 'running', enrolled: 2 });
    expect(Date.parse(launched.body.launchedAt)).toBeGreaterThan(Date.now() - 60_000);
    const scheduled = await query<{ contact_id: string; status: string }>(`SELECT contact_id, status FROM messages WHERE campaign_id = $1 ORDER BY contact_id`, [campaign.id]);
    expect(scheduled).toEqual([...contactIds].sort().map((id) => ({ contact_id: id, status: 'scheduled' })));
    expect((await client.post(`${API}/campaigns/${campaign.id}/launch`)).status).toBe(409);
  });

  it('lists exactly the sendable contacts missing a variable that has no default', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    await setPostalAddress(client, workspaceId);
    expect((await client.post(`${API}/contact-fields`, { key: 'plan', label: 'Plan', type: 'text' })).status).toBe(201);
    const full = await addContact(client, { email: 'full@acme.io', firstName: 'Fay', custom: { plan: 'Pro' } });
    const noName = await addContact(client, { email: 'noname@acme.io', custom: { plan: 'Pro' } });
    const noPlan = await addContact(client, { email: 'noplan@acme.io', firstName: 'Pat', company: '' });
    const neither = await addContact(client, { email: 'neither@acme.io' });
    const suppressed = await addContact(client, { email: 'nope@blocked.io' });
    await client.post(`${API}/suppressions`, { values: ['blocked.io'] });
    const listId = await addList(client, [full, noName, noPlan, neither, suppressed]);
    const campaign = (await client.post(`${API}/campaigns`, {
      name: 'Vars', senderIds: [await addSender(client)], audience: { listIds: [listId] },
      steps: [
        { variants: [{ subject: 'For {{ company | default: "your team" }}', bodyText: 'Hi {{ first_name }}, your {{ plan }} plan' }] },
        { variants: [{ bodyText: '{% if title %}As {{ title }}{% endif %} just checking in' }] },
      ],
    })).body;
    const check = (await client.get(`${API}/campaigns/${campaign.id}/launch-check`)).body;
    expect(check.audienceCount).toBe(4);
    expect(byKey(check.checks).variables).toMatchObject({ ok: false, message: expect.stringContaining('first_name, plan') });
    expect(check.missingVariables.sort((a: { email: string }, b: { email: string }) => a.email.localeCompare(b.email))).toEqual([
      { contactId: neither, email: 'neither@acme.io', variables: ['first_name', 'plan'] },
      { contactId: noName, email: 'noname@acme.io', variables: ['first_name'] },
      { contactId: noPlan, email: 'noplan@acme.io', variables: ['plan'] },
    ]);
    const blocked = await client.post(`${API}/campaigns/${campaign.id}/launch`);
    expect(blocked.status).toBe(422);
    expect(blocked.body.errors.map((e: { field: string }) => e.field)).toEqual(['variables']);

    await client.patch(`${API}/campaigns/${campaign.id}`, { steps: [{ id: campaign.steps[0].id, variants: [{ ...campaign.steps[0].variants[0], bodyText: 'Hi {{ first_name | default: "there" }}, your {{ plan | default: "current" }} plan' }] }, { id: campaign.steps[1].id, variants: campaign.steps[1].variants }] });
    const fixed = (await client.get(`${API}/campaigns/${campaign.id}/launch-check`)).body;
    expect(fixed.missingVariables).toEqual([]);
    expect(fixed.ok).toBe(true);
  });

  it('pauses, resumes and stops with 409 for every other transition; stop skips what was waiting', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const { campaign, contactIds } = await readyCampaign(client, workspaceId, [{ email: 'p1@acme.io' }, { email: 'p2@acme.io' }, { email: 'p3@acme.io' }]);
    const url = (action: string) => `${API}/campaigns/${campaign.id}/${action}`;
    for (const action of ['pause', 'resume', 'stop']) expect((await client.post(url(action))).status, action).toBe(409);
    expect((await client.post(url('launch'))).status).toBe(200);
    expect((await client.post(url('resume'))).status).toBe(409);
    const paused = await client.post(url('pause'));
    expect(paused.body.status).toBe('paused');
    expect((await client.post(url('pause'))).status).toBe(409);
    expect((await client.post(url('launch'))).status).toBe(409);
    // What the engine parked while paused goes back in the queue on resume.
    await query(`UPDATE messages SET status = 'paused', reason = 'campaign paused' WHERE campaign_id = $1 AND contact_id = $2`, [campaign.id, contactIds[0]]);
    expect((await client.post(url('resume'))).body.status).toBe('running');
    expect((await query<{ status: string }>(`SELECT status FROM messages WHERE campaign_id = $1 AND contact_id = $2`, [campaign.id, contactIds[0]]))[0]!.status).toBe('scheduled');

    // A sent message stays sent; scheduled and paused ones are skipped; sequences stop.
    await query(`UPDATE messages SET status = 'sent', sent_at = now() WHERE campaign_id = $1 AND contact_id = $2`, [campaign.id, contactIds[1]]);
    await query(`UPDATE messages SET status = 'paused' WHERE campaign_id = $1 AND contact_id = $2`, [campaign.id, contactIds[2]]);
    const stopped = await client.post(url('stop'));
    expect(stopped.status).toBe(200);
    expect(stopped.body.status).toBe('stopped');
    const rows = await query<{ contact_id: string; status: string; reason: string | null }>(`SELECT contact_id, status, reason FROM messages WHERE campaign_id = $1`, [campaign.id]);
    expect(Object.fromEntries(rows.map((r) => [r.contact_id, [r.status, r.reason]]))).toEqual({
      [contactIds[0]!]: ['skipped', 'campaign stopped'], [contactIds[1]!]: ['sent', null], [contactIds[2]!]: ['skipped', 'campaign stopped'],
    });
    const enrollments = await query<{ status: string; stop_reason: string }>(`SELECT DISTINCT status, stop_reason FROM enrollments WHERE campaign_id = $1`, [campaign.id]);
    expect(enrollments).toEqual([{ status: 'stopped', stop_reason: 'campaign stopped' }]);
    for (const action of ['stop', 'resume', 'pause', 'launch']) expect((await client.post(url(action))).status, action).toBe(409);
    expect((await client.patch(`${API}/campaigns/${campaign.id}`, { name: 'again' })).status).toBe(409);

    const audit = await query<{ action: string }>(`SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id`, [campaign.id]);
    expect(audit.map((a) => a.action)).toEqual(['campaign.launched', 'campaign.paused', 'campaign.resumed', 'campaign.stopped']);
  });

  it('a member may launch; the launch permission is what the route checks', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const { campaign } = await readyCampaign(client, workspaceId);
    const key = await client.post(`${API}/api-keys`, { name: 'ci', role: 'member' });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const res = await t.app.inject({ method: 'POST', url: `${API}/campaigns/${campaign.id}/launch`, headers: { authorization: `Bearer ${key.body.key}` } });
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe(`campaign preview (${engineName})`, () => {
  it('renders personalisation, fallbacks and per-contact spintax, and threads follow-ups under the first subject', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const { campaign, contactIds } = await readyCampaign(client, workspaceId, [{ email: 'ann@acme.io', firstName: 'Ann', company: 'Acme' }, { email: 'anon@acme.io' }]);
    const [ann, anon] = contactIds as [string, string];
    const preview = (body: object) => client.post(`${API}/campaigns/${campaign.id}/preview`, body);
    const spun = (contactId: string) => expandSpintax('{Hi|Hello}', contactId);

    const first = await preview({ contactId: ann, stepPosition: 1 });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ contactId: ann, subject: 'Quick question, Ann', text: `${spun(ann)} Ann, how is Acme?`, html: null, missingVariables: [] });
    expect((await preview({ contactId: ann, stepPosition: 1 })).body.text).toBe(first.body.text);
    const fallback = await preview({ contactId: anon, stepPosition: 1 });
    expect(fallback.body).toMatchObject({ subject: 'Quick question, there', text: `${spun(anon)} there, how is your team?`, missingVariables: [] });
    expect((await preview({ contactId: ann, stepPosition: 2 })).body).toMatchObject({ subject: 'Re: Quick question, Ann', text: 'Following up, Ann.' });

    // Without a contact: the first sendable contact of the audience.
    expect((await preview({ stepPosition: 1 })).body.contactId).toBe([ann, anon].sort()[0]);

    await client.patch(`${API}/campaigns/${campaign.id}`, {
      steps: [{ id: campaign.steps[0].id, variants: [campaign.steps[0].variants[0], { subject: 'As {{ title }}', bodyText: 'x', bodyHtml: '<p>{{ first_name }} at {{ company }}</p>' }] }, { id: campaign.steps[1].id, variants: campaign.steps[1].variants }],
    });
    const b = (await client.get(`${API}/campaigns/${campaign.id}`)).body.steps[0].variants[1];
    const variantB = await preview({ contactId: anon, stepPosition: 1, variantId: b.id });
    expect(variantB.body).toMatchObject({ subject: 'As ', html: '<p> at </p>', missingVariables: ['company', 'first_name', 'title'] });

    expect((await preview({ contactId: ann, stepPosition: 3 })).body.errors).toEqual([{ field: 'stepPosition', message: 'the sequence has no step 3' }]);
    // Unsaved editor text previews as typed, on a saved step or one not saved yet.
    expect((await preview({ contactId: ann, stepPosition: 1, draft: { subject: 'Hey {{ first_name }}', bodyText: 'Typed for {{ company }}' } })).body)
      .toMatchObject({ subject: 'Hey Ann', text: 'Typed for Acme', html: null });
    expect((await preview({ contactId: ann, stepPosition: 3, draft: { subject: null, bodyText: 'Last try, {{ first_name }}' } })).body)
      .toMatchObject({ subject: 'Re: Quick question, Ann', text: 'Last try, Ann' });
    expect((await preview({ contactId: ann, stepPosition: 1, draft: { bodyText: '{{ first_name | nosuchfilter }}' } })).body.errors)
      .toEqual([expect.objectContaining({ field: 'bodyText' })]);
    const other = await newWorkspace(t.app);
    const stranger = await addContact(other.client, { email: 'stranger@else.io' });
    expect((await preview({ contactId: stranger, stepPosition: 1 })).status).toBe(404);
  });

  it('uses placeholder values when the audience is empty', async () => {
    const { client } = await newWorkspace(t.app);
    const campaign = (await client.post(`${API}/campaigns`, { name: 'No audience', steps: twoSteps() })).body;
    const res = await client.post(`${API}/campaigns/${campaign.id}/preview`, { stepPosition: 1 });
    expect(res.body).toMatchObject({ contactId: null, subject: 'Quick question, Alex' });
  });

  it('previews the variant the engine picks for an enrolled contact', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const { campaign, contactIds } = await readyCampaign(client, workspaceId);
    const msg = await insertMessage(t.deps.database, { workspaceId, campaignId: campaign.id, contactId: contactIds[0]!, stepPosition: 1, status: 'scheduled' });
    await client.patch(`${API}/campaigns/${campaign.id}`, {
      steps: [{ id: campaign.steps[0].id, variants: [{ ...campaign.steps[0].variants[0], weight: 0 }, { subject: 'Only B', bodyText: 'B body' }] }, { id: campaign.steps[1].id, variants: campaign.steps[1].variants }],
    });
    expect(msg.enrollmentId).toBeTruthy();
    const res = await client.post(`${API}/campaigns/${campaign.id}/preview`, { contactId: contactIds[0], stepPosition: 1 });
    expect(res.body).toMatchObject({ subject: 'Only B', text: 'B body' });
  });
});
