import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';

let t: TestApp;
let owner: TestClient;
beforeAll(async () => {
  t = await createTestApp();
  owner = new TestClient(t.app);
  await owner.signup({ name: 'Owner' });
});
afterAll(() => t?.close());

async function newWorkspaceClient() {
  const c = new TestClient(t.app);
  await c.signup();
  return c;
}

describe(`contacts (${engineName})`, () => {
  it('creates a contact with a normalised email; a second one with the same address (any case) is a 409', async () => {
    const c = await newWorkspaceClient();
    const res = await c.post('/api/v1/contacts', { email: '  Jane.Doe@Example.COM ', firstName: 'Jane', tags: ['vip', 'vip', 'lead'], timeZone: 'Europe/Berlin' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'jane.doe@example.com', firstName: 'Jane', tags: ['vip', 'lead'], status: 'active', timeZone: 'Europe/Berlin', source: 'api' });
    const dup = await c.post('/api/v1/contacts', { email: 'JANE.DOE@example.com' });
    expect(dup.status).toBe(409);
    expect(dup.body.errors[0].field).toBe('email');
  });

  it('validates fields and names each bad one, writing nothing', async () => {
    const c = await newWorkspaceClient();
    const res = await c.post('/api/v1/contacts', { email: 'not-an-email', timeZone: 'Mars/Olympus', tags: 'vip' });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'tags', 'timeZone']);
    expect((await c.get('/api/v1/contacts/count')).body.count).toBe(0);
  });

  it('types custom fields per workspace and rejects values of the wrong type', async () => {
    const c = await newWorkspaceClient();
    expect((await c.post('/api/v1/contact-fields', { key: 'seats', label: 'Seats', type: 'number' })).status).toBe(201);
    expect((await c.post('/api/v1/contact-fields', { key: 'renewal', label: 'Renewal', type: 'date' })).status).toBe(201);
    expect((await c.post('/api/v1/contact-fields', { key: 'Bad Key', label: 'x', type: 'text' })).body.errors[0].field).toBe('key');
    const ok = await c.post('/api/v1/contacts', { email: 'typed@example.com', custom: { seats: '42', renewal: '2027-01-31' } });
    expect(ok.status).toBe(201);
    expect(ok.body.custom).toEqual({ seats: 42, renewal: '2027-01-31' });
    const bad = await c.post('/api/v1/contacts', { email: 'typed2@example.com', custom: { seats: 'many', unknown: 1 } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual(expect.arrayContaining([{ field: 'custom.seats', message: 'must be a number' }, { field: 'custom.unknown', message: 'is not a custom field of this workspace' }]));
  });

  it('pages with a keyset cursor in any sort order without repeating or losing rows', async () => {
    const c = await newWorkspaceClient();
    const names = ['delta', 'alpha', 'charlie', 'bravo', 'echo', 'foxtrot', 'golf'];
    for (const n of names) await c.post('/api/v1/contacts', { email: `${n}@example.com`, firstName: n, company: n === 'alpha' ? null : 'Acme' });
    for (const [sort, order] of [['firstName', 'asc'], ['createdAt', 'desc'], ['company', 'asc']] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { firstName: string }[]; nextCursor: string | null } } = await c.get(`/api/v1/contacts?limit=3&sort=${sort}&order=${order}${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...res.body.items.map((i) => i.firstName));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual([...names].sort());
    }
    const firstPage = await c.get('/api/v1/contacts?limit=3&sort=firstName&order=asc');
    expect(firstPage.body.items.map((i: { firstName: string }) => i.firstName)).toEqual(['alpha', 'bravo', 'charlie']);
    expect((await c.get('/api/v1/contacts?cursor=garbage')).status).toBe(400);
  });

  it('searches email, name and company and filters by tag, status and list', async () => {
    const c = await newWorkspaceClient();
    await c.post('/api/v1/contacts', { email: 'ann@alpha.io', firstName: 'Ann', lastName: 'Lee', company: 'Alpha GmbH', tags: ['hot'] });
    await c.post('/api/v1/contacts', { email: 'bob@beta.io', firstName: 'Bob', company: 'Beta', tags: ['cold'] });
    const carl = (await c.post('/api/v1/contacts', { email: 'carl@gamma.io', firstName: 'Carl', company: 'Gamma 100%' })).body;
    const q = async (qs: string) => (await c.get(`/api/v1/contacts?${qs}`)).body.items.map((i: { email: string }) => i.email).sort();
    expect(await q('q=alpha')).toEqual(['ann@alpha.io']);
    expect(await q('q=ann%20lee')).toEqual(['ann@alpha.io']);
    expect(await q('q=100%25')).toEqual(['carl@gamma.io']);
    expect(await q('tag=cold')).toEqual(['bob@beta.io']);
    const list = (await c.post('/api/v1/lists', { name: 'Q1' })).body;
    await c.post('/api/v1/contacts/bulk', { ids: [carl.id], action: 'add_to_list', listId: list.id });
    expect(await q(`listId=${list.id}`)).toEqual(['carl@gamma.io']);
    await c.patch(`/api/v1/contacts/${carl.id}`, { status: 'unsubscribed' });
    expect(await q('status=unsubscribed')).toEqual(['carl@gamma.io']);
    expect((await c.get(`/api/v1/lists/${list.id}`)).body.contactCount).toBe(1);
  });

  it('bulk-tags, unsubscribes (suppressing) and deletes by ids or by filter', async () => {
    const c = await newWorkspaceClient();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await c.post('/api/v1/contacts', { email: `b${i}@bulk.io`, company: i < 3 ? 'Three' : 'Two' })).body.id);
    expect((await c.post('/api/v1/contacts/bulk', { filter: { q: 'Three' }, action: 'tag', tag: 'trio' })).body.affected).toBe(3);
    expect((await c.get('/api/v1/contacts/count?tag=trio')).body.count).toBe(3);
    expect((await c.post('/api/v1/contacts/bulk', { ids: ids.slice(0, 2), action: 'unsubscribe' })).body.affected).toBe(2);
    const sup = await c.get('/api/v1/suppressions');
    expect(sup.body.items.map((s: { value: string }) => s.value).sort()).toEqual(['b0@bulk.io', 'b1@bulk.io']);
    // A suppressed address cannot come back as an active contact.
    const back = await c.patch(`/api/v1/contacts/${ids[0]}`, { status: 'active' });
    expect(back.status).toBe(422);
    expect(back.body.errors[0].field).toBe('status');
    expect((await c.post('/api/v1/contacts/bulk', { ids: [ids[4]], action: 'delete' })).body.affected).toBe(1);
    expect((await c.get(`/api/v1/contacts/${ids[4]}`)).status).toBe(404);
    const missing = await c.post('/api/v1/contacts/bulk', { ids: [ids[1]], action: 'tag' });
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0].field).toBe('tag');
  });

  it('another workspace’s contacts, lists and segments answer 404', async () => {
    const a = await newWorkspaceClient();
    const b = await newWorkspaceClient();
    const contact = (await a.post('/api/v1/contacts', { email: 'private@a.io' })).body;
    const list = (await a.post('/api/v1/lists', { name: 'A' })).body;
    const segment = (await a.post('/api/v1/segments', { name: 'S', filter: { match: 'all', conditions: [] } })).body;
    expect((await b.get(`/api/v1/contacts/${contact.id}`)).status).toBe(404);
    expect((await b.patch(`/api/v1/contacts/${contact.id}`, { firstName: 'x' })).status).toBe(404);
    expect((await b.delete(`/api/v1/contacts/${contact.id}`)).status).toBe(404);
    expect((await b.get(`/api/v1/lists/${list.id}`)).status).toBe(404);
    expect((await b.get(`/api/v1/contacts?listId=${list.id}`)).status).toBe(404);
    expect((await b.get(`/api/v1/segments/${segment.id}`)).status).toBe(404);
    const mine = (await b.post('/api/v1/contacts', { email: 'mine@b.io' })).body;
    expect((await b.post('/api/v1/contacts/bulk', { ids: [mine.id], action: 'add_to_list', listId: list.id })).status).toBe(404);
    expect((await b.post('/api/v1/contacts/bulk', { ids: [contact.id], action: 'delete' })).body.affected).toBe(0);
    expect((await a.get(`/api/v1/contacts/${contact.id}`)).status).toBe(200);
  });
});

describe(`segments (${engineName})`, () => {
  it('evaluates fields, tags, status, custom values, lists, engagement and dates in SQL', async () => {
    const c = await newWorkspaceClient();
    await c.post('/api/v1/contact-fields', { key: 'seats', label: 'Seats', type: 'number' });
    await c.post('/api/v1/contact-fields', { key: 'paying', label: 'Paying', type: 'boolean' });
    const mk = async (email: string, extra: object = {}) => (await c.post('/api/v1/contacts', { email, ...extra })).body;
    const ann = await mk('ann@big.io', { company: 'Big Co', tags: ['lead'], custom: { seats: 500, paying: true } });
    const bob = await mk('bob@small.io', { company: 'Small', tags: ['lead'], custom: { seats: 5, paying: false } });
    await mk('cid@big.io', { company: 'Big Co', custom: { seats: 50 } });
    const list = (await c.post('/api/v1/lists', { name: 'Event' })).body;
    await c.post('/api/v1/contacts/bulk', { ids: [bob.id], action: 'add_to_list', listId: list.id });
    // An engagement event as the campaign engine will record it.
    const { rows } = await t.deps.database.sql.query<{ workspace_id: string }>('SELECT workspace_id FROM contacts WHERE id = $1', [ann.id]);
    const ws = rows[0]!.workspace_id;
    await t.deps.database.sql.query(`INSERT INTO contact_events (workspace_id, contact_id, type) VALUES ($1, $2, 'replied')`, [ws, ann.id]);

    const count = async (filter: object) => {
      const res = await c.post('/api/v1/segments/preview', { filter });
      expect(res.status).toBe(200);
      return res.body.contactCount;
    };
    expect(await count({ match: 'all', conditions: [{ type: 'text', field: 'company', op: 'eq', value: 'big co' }] })).toBe(2);
    expect(await count({ match: 'all', conditions: [{ type: 'tag', op: 'has', value: 'lead' }, { type: 'custom', key: 'seats', op: 'gte', value: 100 }] })).toBe(1);
    expect(await count({ match: 'any', conditions: [{ type: 'custom', key: 'paying', op: 'is_true' }, { type: 'list', listId: list.id }] })).toBe(2);
    expect(await count({ match: 'all', conditions: [{ type: 'engagement', event: 'replied' }] })).toBe(1);
    expect(await count({ match: 'all', conditions: [{ type: 'engagement', event: 'replied', negate: true }, { type: 'text', field: 'email', op: 'ends_with', value: '@big.io' }] })).toBe(1);
    expect(await count({ match: 'all', conditions: [{ type: 'date', field: 'createdAt', op: 'within_days', value: 1 }] })).toBe(3);
    expect(await count({ match: 'all', conditions: [{ type: 'group', match: 'any', conditions: [{ type: 'status', op: 'eq', value: 'bounced' }, { type: 'text', field: 'email', op: 'contains', value: 'small' }] }] })).toBe(1);

    const saved = await c.post('/api/v1/segments', { name: 'Big leads', filter: { match: 'all', conditions: [{ type: 'text', field: 'company', op: 'contains', value: 'Big' }] } });
    expect(saved.status).toBe(201);
    expect(saved.body.contactCount).toBe(2);
    expect((await c.get(`/api/v1/contacts?segmentId=${saved.body.id}`)).body.items).toHaveLength(2);
    const bad = await c.post('/api/v1/segments', { name: 'x', filter: { match: 'all', conditions: [{ type: 'text', field: 'password', op: 'eq', value: 'x' }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toMatch(/^filter\.conditions\.0/);
  });
});

describe(`contact page data (${engineName})`, () => {
  it('lists tags with counts, shows a contact’s activity to any member, and hides erased contacts unless asked', async () => {
    const c = await newWorkspaceClient();
    const a = (await c.post('/api/v1/contacts', { email: 'a@t.io', tags: ['hot', 'q3'] })).body;
    await c.post('/api/v1/contacts', { email: 'b@t.io', tags: ['hot'] });
    expect((await c.get('/api/v1/contacts/tags')).body.items).toEqual([{ tag: 'hot', count: 2 }, { tag: 'q3', count: 1 }]);
    const list = (await c.post('/api/v1/lists', { name: 'Warm' })).body;
    await c.post('/api/v1/contacts/bulk', { ids: [a.id], action: 'add_to_list', listId: list.id });
    const { rows } = await t.deps.database.sql.query<{ workspace_id: string }>('SELECT workspace_id FROM contacts WHERE id = $1', [a.id]);
    await t.deps.database.sql.query(`INSERT INTO contact_events (workspace_id, contact_id, type, channel) VALUES ($1, $2, 'clicked', 'email')`, [rows[0]!.workspace_id, a.id]);
    const activity = await c.get(`/api/v1/contacts/${a.id}/activity`);
    expect(activity.body.lists).toEqual([expect.objectContaining({ id: list.id, name: 'Warm' })]);
    expect(activity.body.events).toEqual([expect.objectContaining({ type: 'clicked', channel: 'email' })]);
    expect((await c.get('/api/v1/audit-log')).body.items.some((i: { action: string }) => i.action === 'contact.gdpr_exported')).toBe(false);

    await c.post(`/api/v1/contacts/${a.id}/erase`);
    expect((await c.get('/api/v1/contacts/count')).body.count).toBe(1);
    expect((await c.get('/api/v1/contacts')).body.items.map((x: { email: string }) => x.email)).toEqual(['b@t.io']);
    expect((await c.get('/api/v1/contacts?status=erased')).body.items).toEqual([expect.objectContaining({ email: null, status: 'erased' })]);
  });
});

describe(`download links (${engineName})`, () => {
  it('a GET without headers can name its workspace with ?workspaceId=, and only one the user belongs to', async () => {
    const c = await newWorkspaceClient();
    const second = (await c.post('/api/v1/workspaces', { name: 'Second' })).body;
    const first = (await c.get('/api/v1/workspaces')).body.items.find((w: { id: string }) => w.id !== second.id);
    await c.post('/api/v1/contacts', { email: 'in-second@x.io' });
    const fromFirst = await c.get(`/api/v1/contacts/export?workspaceId=${first.id}`);
    expect(fromFirst.status).toBe(200);
    expect(String(fromFirst.body)).not.toContain('in-second@x.io');
    expect(String((await c.get(`/api/v1/contacts/export?workspaceId=${second.id}`)).body)).toContain('in-second@x.io');
    const stranger = await newWorkspaceClient();
    expect((await stranger.get(`/api/v1/contacts/export?workspaceId=${second.id}`)).status).toBe(404);
  });
});
