import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { neutralizeCell } from './export-contacts.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ worker: true });
});
afterAll(() => t?.close());

async function workspace() {
  const c = new TestClient(t.app);
  const s = await c.signup();
  return Object.assign(c, { workspaceId: null as string | null, ws: s.workspace.id as string });
}

describe(`export (${engineName})`, () => {
  it('neutralises formula cells', () => {
    for (const bad of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx']) expect(neutralizeCell(bad)).toBe(`'${bad}`);
    expect(neutralizeCell('plain')).toBe('plain');
    expect(neutralizeCell('a=b')).toBe('a=b');
  });

  it('streams all, a list or a segment as CSV with custom fields, and audits the export', async () => {
    const c = await workspace();
    await c.post('/api/v1/contact-fields', { key: 'plan', label: 'Plan', type: 'text' });
    const evil = (await c.post('/api/v1/contacts', { email: 'evil@x.io', firstName: '=HYPERLINK("http://x")', company: '@SUM(1)', custom: { plan: '+pro' } })).body;
    await c.post('/api/v1/contacts', { email: 'nice@x.io', firstName: 'Nice', tags: ['a', 'b'] });
    const list = (await c.post('/api/v1/lists', { name: 'L' })).body;
    await c.post('/api/v1/contacts/bulk', { ids: [evil.id], action: 'add_to_list', listId: list.id });

    const all = await c.get('/api/v1/contacts/export');
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toContain('text/csv');
    expect(all.headers['content-disposition']).toMatch(/attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = parse(all.raw.rawPayload, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    const e = rows.find((r) => r.email === 'evil@x.io')!;
    expect(e.first_name).toBe(`'=HYPERLINK("http://x")`);
    expect(e.company).toBe(`'@SUM(1)`);
    expect(e.plan).toBe(`'+pro`);
    expect(rows.find((r) => r.email === 'nice@x.io')!.tags).toBe('a;b');

    const listRows: { email: string }[] = parse((await c.get(`/api/v1/contacts/export?listId=${list.id}`)).raw.rawPayload, { bom: true, columns: true });
    expect(listRows.map((r: { email: string }) => r.email)).toEqual(['evil@x.io']);
    const seg = (await c.post('/api/v1/segments', { name: 'Nice', filter: { match: 'all', conditions: [{ type: 'tag', op: 'has', value: 'b' }] } })).body;
    const segRows: { email: string }[] = parse((await c.get(`/api/v1/contacts/export?segmentId=${seg.id}`)).raw.rawPayload, { bom: true, columns: true });
    expect(segRows.map((r: { email: string }) => r.email)).toEqual(['nice@x.io']);
    const audit = await c.get('/api/v1/audit-log');
    expect(audit.body.items.filter((i: { action: string }) => i.action === 'contacts.exported')).toHaveLength(3);
  });

  it('exports more rows than one batch without losing any', async () => {
    const c = await workspace();
    const csv = ['email', ...Array.from({ length: 4500 }, (_, i) => `bulk${i}@x.io`)].join('\n');
    const up = (await c.upload('/api/v1/contacts/imports', 'big.csv', csv)).body;
    await c.post(`/api/v1/contacts/imports/${up.id}/start`, { mapping: { email: 'email' } });
    await waitFor(async () => (await c.get(`/api/v1/contacts/imports/${up.id}`)).body.status === 'completed', 'import');
    const rows: { email: string }[] = parse((await c.get('/api/v1/contacts/export')).raw.rawPayload, { bom: true, columns: true });
    expect(new Set(rows.map((r: { email: string }) => r.email)).size).toBe(4500);
  });

  it('members cannot export; admins can', async () => {
    const owner = await workspace();
    const member = new TestClient(t.app);
    const { email } = await member.signup();
    const inv = await owner.post(`/api/v1/workspaces/${owner.ws}/invites`, { email, role: 'member' });
    expect(inv.status).toBe(201);
    const { rows } = await t.deps.database.sql.query<{ data: { link: string } }>(`SELECT data FROM pgboss.job WHERE name = 'system-mail' AND data->>'to' = $1 ORDER BY created_on DESC LIMIT 1`, [email]);
    const token = new URL(rows[0]!.data.link).searchParams.get('token');
    expect((await member.post('/api/v1/invites/accept', { token })).status).toBe(200);
    member.workspaceId = owner.ws;
    expect((await member.get('/api/v1/contacts/export')).status).toBe(403);
    expect((await member.get('/api/v1/contacts')).status).toBe(200);
  });
});

describe(`GDPR (${engineName})`, () => {
  it('exports everything held about one contact as JSON and audits it', async () => {
    const c = await workspace();
    const contact = (await c.post('/api/v1/contacts', { email: 'subject@x.io', firstName: 'Sub', tags: ['t'] })).body;
    const list = (await c.post('/api/v1/lists', { name: 'Newsletter' })).body;
    await c.post('/api/v1/contacts/bulk', { ids: [contact.id], action: 'add_to_list', listId: list.id });
    await t.deps.database.sql.query(`INSERT INTO contact_events (workspace_id, contact_id, type, channel, metadata) VALUES ($1, $2, 'opened', 'email', '{"ip":"1.2.3.4"}')`, [c.ws, contact.id]);
    const res = await c.get(`/api/v1/contacts/${contact.id}/gdpr-export`);
    expect(res.status).toBe(200);
    expect(res.body.contact).toMatchObject({ email: 'subject@x.io', firstName: 'Sub', tags: ['t'] });
    expect(res.body.lists).toEqual([expect.objectContaining({ name: 'Newsletter' })]);
    expect(res.body.events).toEqual([expect.objectContaining({ type: 'opened', channel: 'email', metadata: { ip: '1.2.3.4' } })]);
    expect(res.body).toHaveProperty('messages');
    expect(res.body).toHaveProperty('conversations');
    const audit = (await c.get('/api/v1/audit-log')).body.items;
    expect(audit.find((i: { action: string }) => i.action === 'contact.gdpr_exported')).toMatchObject({ targetId: contact.id });
  });

  it('erases personal data, keeps only a salted hash, and the address can never be re-imported', async () => {
    const c = await workspace();
    const contact = (await c.post('/api/v1/contacts', { email: 'Forget.Me@X.io', firstName: 'Forget', company: 'Me Inc', tags: ['x'] })).body;
    await c.patch(`/api/v1/contacts/${contact.id}`, { status: 'unsubscribed' });
    await t.deps.database.sql.query(`INSERT INTO contact_events (workspace_id, contact_id, type, metadata) VALUES ($1, $2, 'replied', '{"text":"please forget me"}')`, [c.ws, contact.id]);
    expect((await c.post(`/api/v1/contacts/${contact.id}/erase`)).status).toBe(204);
    expect((await c.get(`/api/v1/contacts/${contact.id}`)).status).toBe(404);

    // Nothing personal is left anywhere in the workspace's rows.
    const { rows } = await t.deps.database.sql.query<{ dump: string }>(`
      SELECT (SELECT coalesce(json_agg(c), '[]') FROM contacts c WHERE c.id = $1)::text ||
             (SELECT coalesce(json_agg(s), '[]') FROM suppressions s WHERE s.workspace_id = $2)::text ||
             (SELECT coalesce(json_agg(e), '[]') FROM contact_events e WHERE e.contact_id = $1)::text ||
             (SELECT coalesce(json_agg(a), '[]') FROM audit_log a WHERE a.workspace_id = $2)::text AS dump`, [contact.id, c.ws]);
    expect(rows[0]!.dump.toLowerCase()).not.toContain('forget.me');
    expect(rows[0]!.dump).not.toContain('Me Inc');
    expect(rows[0]!.dump).not.toContain('please forget me');
    const sup = (await c.get('/api/v1/suppressions')).body.items;
    expect(sup).toEqual([expect.objectContaining({ kind: 'email_hash', reason: 'erasure' })]);
    expect((await c.delete(`/api/v1/suppressions/${sup[0].id}`)).status).toBe(409);

    // Neither the API nor an import brings the address back.
    const again = await c.post('/api/v1/contacts', { email: 'forget.me@x.io' });
    expect(again.status).toBe(422);
    const up = (await c.upload('/api/v1/contacts/imports', 'a.csv', 'email\nFORGET.ME@x.io\nnew@x.io\n')).body;
    await c.post(`/api/v1/contacts/imports/${up.id}/start`, { mapping: { email: 'email' } });
    const report = await waitFor(async () => {
      const r = (await c.get(`/api/v1/contacts/imports/${up.id}`)).body;
      return r.status === 'completed' && r;
    }, 'import');
    expect(report).toMatchObject({ createdCount: 1, skippedCount: 1 });
    expect(report.issues).toEqual([expect.objectContaining({ reason: 'suppressed' })]);
    expect((await c.get('/api/v1/audit-log')).body.items.find((i: { action: string }) => i.action === 'contact.erased')).toMatchObject({ targetId: contact.id });
  });
});

describe(`suppression list (${engineName})`, () => {
  it('adds addresses and domains (idempotent), rejects junk naming the entry, uploads a CSV, and removes entries', async () => {
    const c = await workspace();
    const add = await c.post('/api/v1/suppressions', { values: ['A@X.io', '@spam.io', 'other.org'] });
    expect(add.body).toEqual({ added: 3, alreadySuppressed: 0 });
    expect((await c.post('/api/v1/suppressions', { values: ['a@x.io'] })).body).toEqual({ added: 0, alreadySuppressed: 1 });
    const bad = await c.post('/api/v1/suppressions', { values: ['ok@x.io', 'not valid'] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ field: 'values.1', message: '"not valid" is neither an email address nor a domain' }]);
    expect((await c.get('/api/v1/suppressions?search=ok@')).body.items).toHaveLength(0);
    const up = await c.upload('/api/v1/suppressions/import', 'sup.csv', 'email\nz@z.io\n@zz.io\n???\n');
    expect(up.body).toEqual({ added: 2, alreadySuppressed: 0, invalid: [{ row: 4, value: '???' }] });
    expect((await c.post('/api/v1/contacts', { email: 'someone@spam.io' })).status).toBe(422);
    const list = (await c.get('/api/v1/suppressions')).body.items;
    expect(list.map((s: { kind: string; value: string }) => `${s.kind}:${s.value}`).sort()).toEqual(['domain:other.org', 'domain:spam.io', 'domain:zz.io', 'email:a@x.io', 'email:z@z.io']);
    const domain = list.find((s: { value: string }) => s.value === 'spam.io');
    expect((await c.delete(`/api/v1/suppressions/${domain.id}`)).status).toBe(204);
    expect((await c.post('/api/v1/contacts', { email: 'someone@spam.io' })).status).toBe(201);
  });
});
