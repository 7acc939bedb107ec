import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { addContact, addList, addSender, API, insertMessage, newWorkspace, readyCampaign, twoSteps } from '../../../test/helpers/campaigns-api.js';
import { engineName } from '../../../test/helpers/db.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

describe(`campaigns API (${engineName})`, () => {
  it('creates a draft from just a name, with Mon–Fri 9–17 UTC, stop on reply and tracking on', async () => {
    const { client } = await newWorkspace(t.app);
    const res = await client.post(`${API}/campaigns`, { name: '  Q3 outreach ' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Q3 outreach', status: 'draft', launchedAt: null, finishedAt: null, dailyNewLimit: null,
      schedule: { timezone: 'UTC', days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020, useContactTimezone: false, startAt: null },
      stopRules: { onReply: true, onClick: false, onDomainReply: false }, tracking: { opens: true, clicks: true },
      senderIds: [], audience: { listIds: [], segmentIds: [] }, steps: [],
    });
    expect((await client.get(`${API}/campaigns/${res.body.id}`)).body).toEqual(res.body);
  });

  it('names every invalid field of a create, and writes nothing', async () => {
    const { client } = await newWorkspace(t.app);
    const schema = await client.post(`${API}/campaigns`, {
      name: '', schedule: { timezone: 'Mars/Olympus', days: [1, 1, 8], startMinute: -5 },
      steps: [{ variants: Array.from({ length: 27 }, () => ({ subject: 'x', bodyText: 'y' })) }],
    });
    expect(schema.status).toBe(422);
    expect(fields(schema.body)).toEqual(expect.arrayContaining(['name', 'schedule.timezone', 'schedule.days.2', 'schedule.startMinute', 'steps.0.variants']));

    const semantic = await client.post(`${API}/campaigns`, {
      name: 'Bad', schedule: { startMinute: 600, endMinute: 600 },
      steps: [
        { variants: [{ subject: null, bodyText: 'Hi {{ first_name | nosuchfilter }}' }, { subject: 'Hello {{ first_name', bodyText: 'ok', weight: 0 }] },
        { variants: [{ bodyText: 'fine', bodyHtml: '<p>{% if x %}</p>', weight: 0 }] },
      ],
    });
    expect(semantic.status).toBe(422);
    expect(fields(semantic.body)).toEqual([
      'schedule.endMinute', 'steps.0.variants.0.bodyText', 'steps.0.variants.0.subject', 'steps.0.variants.1.subject', 'steps.1.variants', 'steps.1.variants.0.bodyHtml',
    ]);
    const list = await client.get(`${API}/campaigns`);
    expect(list.body.items, JSON.stringify(list.body)).toEqual([]);
  });

  it('accepts only senders, lists and segments of its own workspace, naming the field', async () => {
    const a = await newWorkspace(t.app);
    const b = await newWorkspace(t.app);
    const foreignSender = await addSender(b.client);
    const foreignList = await addList(b.client, []);
    const foreignSegment = (await b.client.post(`${API}/segments`, { name: 'S', filter: { match: 'all', conditions: [] } })).body.id;
    const ownSender = await addSender(a.client);
    const res = await a.client.post(`${API}/campaigns`, { name: 'X', senderIds: [ownSender, foreignSender], audience: { listIds: [foreignList], segmentIds: [foreignSegment] } });
    expect(res.status).toBe(422);
    expect(fields(res.body)).toEqual(['audience.listIds.0', 'audience.segmentIds.0', 'senderIds.1']);
  });

  it('lists campaigns newest first with enrolled, sent and replied counts', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const first = (await client.post(`${API}/campaigns`, { name: 'First' })).body;
    const second = (await client.post(`${API}/campaigns`, { name: 'Second' })).body;
    const contactId = await addContact(client, { email: 'listed@acme.io' });
    const sent = await insertMessage(t.deps.database, { workspaceId, campaignId: first.id, contactId, stepPosition: 1, status: 'sent', sentAt: new Date() });
    await t.deps.database.sql.query(`INSERT INTO contact_events (workspace_id, contact_id, type, campaign_id, message_id) VALUES ($1, $2, 'replied', $3, $4)`, [workspaceId, contactId, first.id, sent.id]);
    const list = (await client.get(`${API}/campaigns`)).body.items;
    expect(list.map((c: { name: string }) => c.name)).toEqual(['Second', 'First']);
    expect(list[1]).toMatchObject({ id: first.id, status: 'draft', summary: { enrolled: 1, sent: 1, replied: 1 } });
    expect(list[0]).toMatchObject({ id: second.id, summary: { enrolled: 0, sent: 0, replied: 0 } });
  });

  it('PATCH is partial; steps replace the sequence but keep the ids they pass', async () => {
    const { client } = await newWorkspace(t.app);
    const created = (await client.post(`${API}/campaigns`, { name: 'Seq', steps: twoSteps() })).body;
    expect(created.steps.map((s: { position: number }) => s.position)).toEqual([1, 2]);
    const [one, two] = created.steps;
    const patched = await client.patch(`${API}/campaigns/${created.id}`, {
      schedule: { timezone: 'europe/berlin', days: [7, 1] }, tracking: { clicks: false },
      steps: [
        { id: one.id, variants: [{ id: one.variants[0].id, subject: 'New subject', bodyText: 'New body' }, { subject: 'B subject', bodyText: 'B body' }] },
        { delayMinutes: 60, variants: [{ bodyText: 'Brand new step 2' }] },
      ],
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const c = patched.body;
    expect(c.name).toBe('Seq');
    expect(c.schedule).toMatchObject({ timezone: 'Europe/Berlin', days: [1, 7], startMinute: 540 });
    expect(c.tracking).toEqual({ opens: true, clicks: false });
    expect(c.steps[0].id).toBe(one.id);
    expect(c.steps[0].variants.map((v: { id: string; label: string; subject: string }) => [v.label, v.subject])).toEqual([['A', 'New subject'], ['B', 'B subject']]);
    expect(c.steps[0].variants[0].id).toBe(one.variants[0].id);
    expect(c.steps[1].id).not.toBe(two.id);
    expect(c.steps[1]).toMatchObject({ position: 2, delayMinutes: 60, variants: [{ subject: null, bodyText: 'Brand new step 2', weight: 50 }] });

    const window = await client.patch(`${API}/campaigns/${created.id}`, { schedule: { startMinute: 1200 } });
    expect(window.status).toBe(422);
    expect(window.body.errors).toEqual([{ field: 'schedule.endMinute', message: 'must be after startMinute (1200)' }]);
    const foreignId = await client.patch(`${API}/campaigns/${created.id}`, { steps: [{ id: two.id, variants: [{ subject: 's', bodyText: 'b' }] }] });
    expect(foreignId.status).toBe(422);
    expect(fields(foreignId.body)).toEqual(['steps.0.id']);
  });

  it('while running, a sent step can be edited but not removed or moved; new steps can be appended', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const { campaign, contactIds } = await readyCampaign(client, workspaceId);
    const [one, two] = campaign.steps;
    await t.deps.database.sql.query(`UPDATE campaigns SET status = 'running' WHERE id = $1`, [campaign.id]);
    await insertMessage(t.deps.database, { workspaceId, campaignId: campaign.id, contactId: contactIds[0]!, stepPosition: 1, stepId: one.id, variantId: one.variants[0].id, status: 'sent', sentAt: new Date() });

    const removed = await client.patch(`${API}/campaigns/${campaign.id}`, { steps: [{ id: two.id, variants: [{ ...two.variants[0], subject: 'Now first' }] }] });
    expect(removed.status).toBe(409);
    expect(removed.body.errors).toEqual(expect.arrayContaining([{ field: 'steps', message: 'step 1 has sent messages and cannot be removed' }]));
    const moved = await client.patch(`${API}/campaigns/${campaign.id}`, { steps: [{ variants: [{ subject: 'New first', bodyText: 'x' }] }, { id: one.id, variants: one.variants }] });
    expect(moved.status).toBe(409);
    expect(fields(moved.body)).toEqual(['steps.1']);
    const variantGone = await client.patch(`${API}/campaigns/${campaign.id}`, { steps: [{ id: one.id, variants: [{ subject: 'Other', bodyText: 'Other' }] }, { id: two.id, variants: two.variants }] });
    expect(variantGone.status).toBe(409);
    expect(variantGone.body.errors[0]).toMatchObject({ field: 'steps.0.variants' });
    expect(variantGone.body.errors[0].message).toContain('set its weight to 0');

    const edited = await client.patch(`${API}/campaigns/${campaign.id}`, {
      steps: [
        { id: one.id, variants: [{ ...one.variants[0], bodyText: 'Edited text for future sends' }] },
        { id: two.id, variants: two.variants },
        { delayMinutes: 4320, variants: [{ bodyText: 'Appended step 3' }] },
      ],
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.steps.map((s: { id: string }) => s.id).slice(0, 2)).toEqual([one.id, two.id]);
    expect(edited.body.steps[0].variants[0]).toMatchObject({ id: one.variants[0].id, bodyText: 'Edited text for future sends' });
    expect(edited.body.steps[2]).toMatchObject({ position: 3, variants: [{ bodyText: 'Appended step 3' }] });

    // An unsent step may go; its scheduled messages are skipped with the reason.
    const waiting = await insertMessage(t.deps.database, { workspaceId, campaignId: campaign.id, contactId: await addContact(client, { email: 'waiting@acme.io' }), stepPosition: 2, stepId: two.id, status: 'scheduled' });
    const dropped = await client.patch(`${API}/campaigns/${campaign.id}`, { steps: [{ id: one.id, variants: edited.body.steps[0].variants }] });
    expect(dropped.status, JSON.stringify(dropped.body)).toBe(200);
    expect(dropped.body.steps).toHaveLength(1);
    const { rows } = await t.deps.database.sql.query<{ status: string; reason: string }>('SELECT status, reason FROM messages WHERE id = $1', [waiting.id]);
    expect(rows[0]).toEqual({ status: 'skipped', reason: 'step removed from the campaign' });
  });

  it('stopped and finished campaigns are read-only; only a non-running campaign can be deleted', async () => {
    const { client } = await newWorkspace(t.app);
    const c = (await client.post(`${API}/campaigns`, { name: 'Lifecycle' })).body;
    for (const status of ['stopped', 'finished']) {
      await t.deps.database.sql.query(`UPDATE campaigns SET status = $2 WHERE id = $1`, [c.id, status]);
      const res = await client.patch(`${API}/campaigns/${c.id}`, { name: 'Renamed' });
      expect(res.status).toBe(409);
      expect(res.body.detail).toContain(status);
    }
    await t.deps.database.sql.query(`UPDATE campaigns SET status = 'running' WHERE id = $1`, [c.id]);
    expect((await client.delete(`${API}/campaigns/${c.id}`)).status).toBe(409);
    await t.deps.database.sql.query(`UPDATE campaigns SET status = 'paused' WHERE id = $1`, [c.id]);
    expect((await client.delete(`${API}/campaigns/${c.id}`)).status).toBe(204);
    expect((await client.get(`${API}/campaigns/${c.id}`)).status).toBe(404);
  });

  it('duplicates any campaign as a new draft with the same settings and sequence', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const { campaign, senderId, listId } = await readyCampaign(client, workspaceId);
    await t.deps.database.sql.query(`UPDATE campaigns SET status = 'stopped' WHERE id = $1`, [campaign.id]);
    const copy = await client.post(`${API}/campaigns/${campaign.id}/duplicate`);
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ name: 'Ready (copy)', status: 'draft', senderIds: [senderId], audience: { listIds: [listId], segmentIds: [] }, schedule: campaign.schedule });
    expect(copy.body.id).not.toBe(campaign.id);
    expect(copy.body.steps.map((s: { delayMinutes: number; variants: { subject: string | null }[] }) => [s.delayMinutes, s.variants[0]!.subject]))
      .toEqual(campaign.steps.map((s: { delayMinutes: number; variants: { subject: string | null }[] }) => [s.delayMinutes, s.variants[0]!.subject]));
    expect(copy.body.steps[0].id).not.toBe(campaign.steps[0].id);
  });

  it('another workspace’s campaign answers 404 on every route', async () => {
    const a = await newWorkspace(t.app);
    const b = await newWorkspace(t.app);
    const { campaign, contactIds } = await readyCampaign(a.client, a.workspaceId);
    const msg = await insertMessage(t.deps.database, { workspaceId: a.workspaceId, campaignId: campaign.id, contactId: contactIds[0]!, stepPosition: 1, status: 'uncertain' });
    const base = `${API}/campaigns/${campaign.id}`;
    const calls = [
      b.client.get(base), b.client.patch(base, { name: 'mine' }), b.client.delete(base), b.client.post(`${base}/duplicate`),
      b.client.get(`${base}/launch-check`), b.client.post(`${base}/launch`), b.client.post(`${base}/pause`), b.client.post(`${base}/resume`),
      b.client.post(`${base}/stop`), b.client.post(`${base}/preview`, { stepPosition: 1 }), b.client.get(`${base}/stats`),
      b.client.get(`${base}/messages`), b.client.get(`${base}/report.csv`), b.client.post(`${base}/messages/${msg.id}/resolve`, { action: 'skip' }),
    ];
    const statuses = [];
    for (const call of calls) statuses.push((await call).status);
    expect(statuses).toEqual(calls.map(() => 404));
    expect((await a.client.get(base)).body.name).toBe('Ready');
  });
});
