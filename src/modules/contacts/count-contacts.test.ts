import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { countWithinBudget } from './count-contacts.js';
import { runImport } from './import/run-import.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

async function workspaceWith(emails: string[]) {
  const c = new TestClient(t.app);
  const { workspace } = await c.signup();
  for (const email of emails) await c.post('/api/v1/contacts', { email });
  return { c, workspaceId: workspace.id as string };
}

describe(`contact counts (${engineName})`, () => {
  it('answers exact counts for lists (from memberships), segments and filters, with the time of counting', async () => {
    const { c } = await workspaceWith(['a@x.io', 'b@x.io', 'ceo@y.io']);
    const list = (await c.post('/api/v1/lists', { name: 'L' })).body;
    await c.post('/api/v1/contacts/bulk', { filter: { q: 'x.io' }, action: 'add_to_list', listId: list.id });
    const before = Date.now();
    const listCount = (await c.get(`/api/v1/contacts/count?listId=${list.id}`)).body;
    expect(listCount).toMatchObject({ count: 2, exact: true });
    expect(Date.parse(listCount.countedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect((await c.get(`/api/v1/lists/${list.id}`)).body.contactCount).toBe(2);
    // A membership disappears with an erasure, so the list count stays right.
    const b = (await c.get('/api/v1/contacts?q=b@x.io')).body.items[0];
    await c.post(`/api/v1/contacts/${b.id}/erase`, {});
    expect((await c.get(`/api/v1/contacts/count?listId=${list.id}`)).body.count).toBe(1);

    const seg = (await c.post('/api/v1/segments', { name: 'y', filter: { match: 'all', conditions: [{ type: 'text', field: 'email', op: 'ends_with', value: '@y.io' }] } })).body;
    expect(seg).toMatchObject({ contactCount: 1, countExact: true });
    expect((await c.get(`/api/v1/contacts/count?segmentId=${seg.id}`)).body).toMatchObject({ count: 1, exact: true });
    expect((await c.get('/api/v1/contacts/count')).body).toMatchObject({ count: 2, exact: true });
    expect((await c.get(`/api/v1/contacts/count?listId=${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('a filter too slow for the budget is answered from its last exact count, with its age, and recounted in the background', async () => {
    const { c, workspaceId: ws } = await workspaceWith(['a@x.io', 'b@x.io']);
    // A filter slower than a 5 ms budget (it sleeps 50 ms once per count), cached from any size.
    const slow = sql`SELECT count(*)::int AS n FROM contacts WHERE contacts.workspace_id = ${ws} AND contacts.status <> 'erased' AND (SELECT true FROM pg_sleep(0.05))`;
    const count = () => countWithinBudget(t.deps.db, ws, slow, 'slow-filter', t.deps.log, { budgetMs: 5, cacheFromRows: 0 });

    // The first time there is nothing cached: counted in full (after the budget ran out), exact.
    expect(await count()).toMatchObject({ count: 2, exact: true });
    await c.post('/api/v1/contacts', { email: 'c@x.io' });
    if (t.deps.database.kind === 'pglite') {
      // PGlite has no statement timeout: every count runs to the end, so every count is exact.
      expect(await count()).toMatchObject({ count: 3, exact: true });
      return;
    }
    // Now it is known to be slow: answered from the cache at once.
    const cached = await count();
    expect(cached).toMatchObject({ count: 2, exact: false });
    // Once the cached count is older than the recount interval, showing it starts a recount.
    await t.deps.database.sql.query(`UPDATE contact_counts SET counted_at = now() - interval '1 hour' WHERE workspace_id = $1`, [ws]);
    const old = await count();
    expect(old).toMatchObject({ count: 2, exact: false });
    expect(Date.now() - Date.parse(old.countedAt)).toBeGreaterThan(3_000_000);
    const fresh = await waitFor(async () => {
      const r = await count();
      return r.count === 3 && r;
    }, 'the background recount');
    expect(fresh.exact).toBe(false);
    expect(Date.now() - Date.parse(fresh.countedAt)).toBeLessThan(60_000);

    // An import that changed contacts drops the workspace's cached counts: the next is exact.
    const up = (await c.upload('/api/v1/contacts/imports', 'more.csv', 'email\ne@x.io\n')).body;
    await c.post(`/api/v1/contacts/imports/${up.id}/start`, { mapping: up.suggestedMapping });
    await runImport(t.deps, up.id);
    expect(await count()).toMatchObject({ count: 4, exact: true });

    // Below CACHE_FROM_ROWS nothing is cached, however slow: a small list never shows a stale size.
    const small = () => countWithinBudget(t.deps.db, ws, slow, 'slow-but-small', t.deps.log, { budgetMs: 5 });
    expect(await small()).toMatchObject({ count: 4, exact: true });
    await c.post('/api/v1/contacts', { email: 'd@x.io' });
    expect(await small()).toMatchObject({ count: 5, exact: true });
  });
});
