import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { addContact, API, insertMessage, newWorkspace, readyCampaign } from '../../../test/helpers/campaigns-api.js';
import type { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const query = async <T = Record<string, unknown>>(text: string, params: unknown[]) => (await t.deps.database.sql.query<T>(text, params)).rows;
const D1 = new Date('2026-03-02T10:00:00Z');
const D2 = new Date('2026-03-03T10:00:00Z');
const hours = (d: Date, h: number) => new Date(d.getTime() + h * 3600_000);

async function track(workspaceId: string, messageId: string, kind: 'open' | 'click', at: Date, automated = false) {
  await query(`INSERT INTO tracking_events (workspace_id, message_id, kind, automated, occurred_at) VALUES ($1, $2, $3, $4, $5)`, [workspaceId, messageId, kind, automated, at.toISOString()]);
}
async function event(workspaceId: string, contactId: string, type: string, messageId: string, campaignId: string | null, at: Date) {
  await query(`INSERT INTO contact_events (workspace_id, contact_id, type, campaign_id, message_id, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)`, [workspaceId, contactId, type, campaignId, messageId, at.toISOString()]);
}

/** A two-step campaign with variants A and B on step 1 and one message in every state. */
async function campaignWithHistory(client: TestClient, workspaceId: string) {
  const contacts = [1, 2, 3, 4, 5, 6].map((i) => ({ email: `c${i}@acme.io`, firstName: `C${i}` }));
  contacts[0]!.firstName = '=cmd';
  const { campaign, contactIds, senderId } = await readyCampaign(client, workspaceId, contacts);
  const patched = await client.patch(`${API}/campaigns/${campaign.id}`, {
    steps: [{ id: campaign.steps[0].id, variants: [campaign.steps[0].variants[0], { subject: 'B subject', bodyText: 'B' }] }, { id: campaign.steps[1].id, variants: campaign.steps[1].variants }],
  });
  const [s1, s2] = patched.body.steps;
  const [a, b] = s1.variants;
  await query(`UPDATE campaigns SET status = 'running' WHERE id = $1`, [campaign.id]);
  const [c1, c2, c3, c4, c5, c6] = contactIds as [string, string, string, string, string, string];
  const base = { workspaceId, campaignId: campaign.id, senderId };
  const m = {
    c1: await insertMessage(t.deps.database, { ...base, contactId: c1, stepPosition: 1, stepId: s1.id, variantId: a.id, status: 'sent', sentAt: D1, attempts: 1, reason: '+SUM(A1)' }),
    c2: await insertMessage(t.deps.database, { ...base, contactId: c2, stepPosition: 1, stepId: s1.id, variantId: b.id, status: 'sent', sentAt: D2, attempts: 1 }),
    c3: await insertMessage(t.deps.database, { ...base, contactId: c3, stepPosition: 1, stepId: s1.id, variantId: a.id, status: 'failed', sendAt: D1, attempts: 5, reason: '550 no such user' }),
    c4: await insertMessage(t.deps.database, { ...base, contactId: c4, stepPosition: 1, stepId: s1.id, status: 'skipped', sendAt: D1, reason: 'address is on the suppression list' }),
    c5: await insertMessage(t.deps.database, { ...base, contactId: c5, stepPosition: 1, stepId: s1.id, variantId: b.id, status: 'uncertain', sendAt: D2, attempts: 1 }),
    c6: await insertMessage(t.deps.database, { ...base, contactId: c6, stepPosition: 1, stepId: s1.id, variantId: a.id, status: 'sent', sentAt: hours(D1, 1), attempts: 1 }),
  };
  const followUps = {
    c1: await insertMessage(t.deps.database, { ...base, contactId: c1, stepPosition: 2, stepId: s2.id, status: 'scheduled', sendAt: hours(D2, 48) }),
    c6: await insertMessage(t.deps.database, { ...base, contactId: c6, stepPosition: 2, stepId: s2.id, status: 'sending', sendAt: hours(D2, 49) }),
  };
  return { campaign: patched.body, contactIds, m, followUps, variants: { a, b } };
}

describe(`campaign reporting (${engineName})`, () => {
  it('counts per campaign, step and variant from messages, human tracking events and contact events, with a daily series', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const { campaign, contactIds, m, variants } = await campaignWithHistory(client, workspaceId);
    const [c1, c2, , , , c6] = contactIds as string[];
    await track(workspaceId, m.c1.id, 'open', hours(D1, 1));
    await track(workspaceId, m.c1.id, 'open', hours(D2, 5));
    await track(workspaceId, m.c1.id, 'open', hours(D1, 0.5), true);
    await track(workspaceId, m.c1.id, 'click', hours(D2, 1));
    await track(workspaceId, m.c2.id, 'open', hours(D2, 1), true);
    await event(workspaceId, c1!, 'replied', m.c1.id, campaign.id, hours(D2, 2));
    await event(workspaceId, c2!, 'bounced', m.c2.id, null, hours(D2, 3));
    await event(workspaceId, c6!, 'unsubscribed', m.c6.id, campaign.id, hours(D2, 4));
    // Another campaign's message to the same contact counts there, not here.
    const other = (await client.post(`${API}/campaigns`, { name: 'Other' })).body;
    const elsewhere = await insertMessage(t.deps.database, { workspaceId, campaignId: other.id, contactId: c1!, stepPosition: 1, status: 'sent', sentAt: D1 });
    await event(workspaceId, c1!, 'replied', elsewhere.id, other.id, D2);

    const res = await client.get(`${API}/campaigns/${campaign.id}/stats`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { totals, steps, series } = res.body;
    expect(totals).toEqual({
      enrolled: 6, scheduled: 2, sent: 3, delivered: 2, opened: 1, clicked: 1, replied: 1, bounced: 1, unsubscribed: 1, failed: 1, skipped: 1, uncertain: 1,
      openRate: 0.3333, clickRate: 0.3333, replyRate: 0.3333, bounceRate: 0.3333,
    });
    expect(steps.map((s: { position: number }) => s.position)).toEqual([1, 2]);
    expect(steps[0].counts).toMatchObject({ scheduled: 0, sent: 3, failed: 1, skipped: 1, uncertain: 1 });
    expect(steps[1].counts).toMatchObject({ scheduled: 2, sent: 0, openRate: 0 });
    const [a, b] = steps[0].variants;
    expect(a).toMatchObject({ id: variants.a.id, label: 'A', counts: { sent: 2, failed: 1, opened: 1, clicked: 1, replied: 1, unsubscribed: 1, bounced: 0, delivered: 2, openRate: 0.5, replyRate: 0.5 } });
    expect(b).toMatchObject({ id: variants.b.id, label: 'B', counts: { sent: 1, uncertain: 1, opened: 0, bounced: 1, delivered: 0, bounceRate: 1 } });
    expect(series).toEqual([
      { day: '2026-03-02', sent: 2, opened: 1, clicked: 0, replied: 0, bounced: 0 },
      { day: '2026-03-03', sent: 1, opened: 0, clicked: 1, replied: 1, bounced: 1 },
    ]);

    // Days follow the campaign's time zone: 23:30 UTC is the next day in Tokyo.
    await client.patch(`${API}/campaigns/${campaign.id}`, { schedule: { timezone: 'Asia/Tokyo' } });
    await query(`UPDATE messages SET sent_at = '2026-03-02T23:30:00Z' WHERE id = $1`, [m.c6.id]);
    const tokyo = (await client.get(`${API}/campaigns/${campaign.id}/stats`)).body.series;
    expect(tokyo.map((d: { day: string; sent: number }) => [d.day, d.sent])).toEqual([['2026-03-02', 1], ['2026-03-03', 2]]);
  });

  it('pages through messages with a keyset cursor and filters by status and step', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const { campaign, m } = await campaignWithHistory(client, workspaceId);
    const url = `${API}/campaigns/${campaign.id}/messages`;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await client.get(`${url}?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);

    const sent = (await client.get(`${url}?status=sent`)).body.items;
    expect(sent.map((i: { id: string }) => i.id)).toEqual([m.c1.id, m.c6.id, m.c2.id]);
    expect(sent[0]).toEqual({
      id: m.c1.id, contactId: expect.any(String), email: 'c1@acme.io', stepPosition: 1, variantLabel: 'A', senderEmail: expect.stringMatching(/@good\.example$/),
      status: 'sent', sendAt: D1.toISOString(), sentAt: D1.toISOString(), reason: '+SUM(A1)', attempts: 1,
    });
    expect((await client.get(`${url}?step=2`)).body.items.map((i: { status: string }) => i.status)).toEqual(['scheduled', 'sending']);
    expect((await client.get(`${url}?cursor=bogus`)).status).toBe(400);
    expect((await client.get(`${url}?status=lost`)).status).toBe(422);
  });

  it('exports the report as CSV with engagement flags and formula cells neutralised', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const { campaign, contactIds, m } = await campaignWithHistory(client, workspaceId);
    await track(workspaceId, m.c1.id, 'open', hours(D1, 1));
    await event(workspaceId, contactIds[0]!, 'replied', m.c1.id, campaign.id, D2);
    const res = await client.get(`${API}/campaigns/${campaign.id}/report.csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="Ready-report.csv"');
    const rows: Record<string, string>[] = parse(res.raw.body, { columns: true, bom: true });
    expect(rows).toHaveLength(8);
    const first = rows.find((r) => r.message_id === m.c1.id)!;
    expect(first).toMatchObject({ email: 'c1@acme.io', first_name: "'=cmd", reason: "'+SUM(A1)", step: '1', variant: 'A', status: 'sent', opened: 'true', clicked: 'false', replied: 'true' });
    expect(res.raw.body).not.toMatch(/(^|,)=cmd/m);
    expect(rows.find((r) => r.message_id === m.c3.id)).toMatchObject({ status: 'failed', reason: '550 no such user', attempts: '5', opened: 'false' });
    // Every recipient's address is in it: members may see stats, not export the list.
    const key = (await client.post(`${API}/api-keys`, { name: 'member', role: 'member' })).body.key;
    const asMember = await t.app.inject({ method: 'GET', url: `${API}/campaigns/${campaign.id}/report.csv`, headers: { authorization: `Bearer ${key}` } });
    expect(asMember.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `${API}/campaigns/${campaign.id}/stats`, headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
  });

  it('resolves an uncertain message: mark sent (the sequence moves on), resend, or skip; anything else is a 409', async () => {
    const { client, workspaceId } = await newWorkspace(t.app);
    const { campaign, m } = await campaignWithHistory(client, workspaceId);
    const resolve = (id: string, action: string) => client.post(`${API}/campaigns/${campaign.id}/messages/${id}/resolve`, { action });

    const notUncertain = await resolve(m.c1.id, 'resend');
    expect(notUncertain.status).toBe(409);
    expect(notUncertain.body.detail).toContain('sent');

    const marked = await resolve(m.c5.id, 'mark_sent');
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    expect(marked.body).toMatchObject({ id: m.c5.id, status: 'sent', attempts: 1 });
    expect(marked.body.sentAt).not.toBeNull();
    const next = await query<{ step_position: number; status: string }>(`SELECT step_position, status FROM messages WHERE enrollment_id = $1 ORDER BY step_position`, [m.c5.enrollmentId]);
    expect(next).toEqual([{ step_position: 1, status: 'sent' }, { step_position: 2, status: 'scheduled' }]);
    expect((await resolve(m.c5.id, 'mark_sent')).status).toBe(409);

    const third = await addContact(client, { email: 'again@acme.io' });
    const again = await insertMessage(t.deps.database, { workspaceId, campaignId: campaign.id, contactId: third, stepPosition: 1, status: 'uncertain', sendAt: D1, attempts: 2 });
    const before = Date.now();
    const resent = await resolve(again.id, 'resend');
    expect(resent.body).toMatchObject({ status: 'scheduled', attempts: 2 });
    expect(Date.parse(resent.body.sendAt)).toBeGreaterThanOrEqual(before - 1000);

    const fourth = await addContact(client, { email: 'skipme@acme.io' });
    const skip = await insertMessage(t.deps.database, { workspaceId, campaignId: campaign.id, contactId: fourth, stepPosition: 1, status: 'uncertain', sendAt: D1, attempts: 1 });
    expect((await resolve(skip.id, 'skip')).body).toMatchObject({ status: 'skipped', reason: 'skipped by user' });
    expect((await query<{ status: string }>(`SELECT status FROM enrollments WHERE id = $1`, [skip.enrollmentId]))[0]!.status).toBe('stopped');

    expect((await resolve(skip.id, 'explode')).status).toBe(422);

    // Settled after the campaign finished: a resend reopens it so the engine sends it; a stopped campaign sends nothing.
    const fifth = await addContact(client, { email: 'late@acme.io' });
    const late = await insertMessage(t.deps.database, { workspaceId, campaignId: campaign.id, contactId: fifth, stepPosition: 1, status: 'uncertain', sendAt: D1 });
    await query(`UPDATE campaigns SET status = 'finished', finished_at = now() WHERE id = $1`, [campaign.id]);
    expect((await resolve(late.id, 'resend')).status).toBe(200);
    expect((await client.get(`${API}/campaigns/${campaign.id}`)).body).toMatchObject({ status: 'running', finishedAt: null });
    await query(`UPDATE messages SET status = 'uncertain' WHERE id = $1`, [late.id]);
    await query(`UPDATE campaigns SET status = 'stopped' WHERE id = $1`, [campaign.id]);
    expect((await resolve(late.id, 'resend')).status).toBe(409);
    expect((await resolve(late.id, 'skip')).status).toBe(200);
    expect((await resolve('00000000-0000-4000-8000-000000000000', 'skip')).status).toBe(404);
    const audit = await query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'campaign.message_resolved' AND workspace_id = $1`, [workspaceId]);
    expect(audit[0]!.n).toBe(5);
  });
});
