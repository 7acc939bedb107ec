import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { contactImports } from '../../../db/schema/index.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { TestClient } from '../../../../test/helpers/client.js';
import { engineName } from '../../../../test/helpers/db.js';
import { mergeChunk, prepareStaged, stagedRange } from './merge-staged.js';
import { runImport } from './run-import.js';
import { stageRows } from './stage-rows.js';

// No worker: the queued job is run here by hand, with two rows per merge transaction.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const CSV = 'email,first name,tags\na@x.io,A,\nold@x.io,New,b\nkept@x.io,Kept,\nc@x.io,C,\nboom@x.io,Boom,\nd@x.io,D,\n';

/** A workspace with two contacts (one already on the list), and an import of CSV queued into that list. */
async function setup() {
  const c = new TestClient(t.app);
  await c.signup();
  const list = (await c.post('/api/v1/lists', { name: 'Target' })).body;
  const old = (await c.post('/api/v1/contacts', { email: 'old@x.io', firstName: 'Old', company: 'Old Co', tags: ['a'] })).body;
  const kept = (await c.post('/api/v1/contacts', { email: 'kept@x.io', firstName: 'Kept' })).body;
  await c.post('/api/v1/contacts/bulk', { ids: [kept.id], action: 'add_to_list', listId: list.id });
  const up = (await c.upload('/api/v1/contacts/imports', 'people.csv', CSV)).body;
  const start = await c.post(`/api/v1/contacts/imports/${up.id}/start`, { mapping: up.suggestedMapping, dedupe: 'update', listId: list.id });
  expect(start.status, JSON.stringify(start.body)).toBe(202);
  return { c, list, old, kept, importId: up.id as string };
}

async function state(c: TestClient, listId: string) {
  const items = (await c.get('/api/v1/contacts?limit=50&sort=email&order=asc')).body.items as { email: string; firstName: string; tags: string[]; updatedAt: string }[];
  const members = (await c.get(`/api/v1/contacts?limit=50&sort=email&order=asc&listId=${listId}`)).body.items as { email: string }[];
  return { contacts: items.map((i) => [i.email, i.firstName, i.tags, i.updatedAt]), members: members.map((m) => m.email) };
}

/** Runs the import with chunks of two rows; the third chunk (boom@x.io, d@x.io) fails inside the database. */
async function runImportFailingAtBoom(importId: string) {
  await t.deps.database.sql.exec(`CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$;
    CREATE TRIGGER boom BEFORE INSERT ON contacts FOR EACH ROW WHEN (NEW.email = 'boom@x.io') EXECUTE FUNCTION boom();`);
  try {
    await runImport(t.deps, importId, { chunkRows: 2 });
  } finally {
    await t.deps.database.sql.exec('DROP TRIGGER boom ON contacts; DROP FUNCTION boom();');
  }
}

/** What an attempt that died mid-merge leaves: status running, staging filled, the first chunk (a@x.io created, old@x.io updated) committed. */
async function leaveFirstChunkMerged(importId: string) {
  const [imp] = await t.deps.db.update(contactImports).set({ status: 'running' }).where(eq(contactImports.id, importId)).returning();
  await stageRows(t.deps, imp!, async () => {});
  await prepareStaged(t.deps.db, imp!);
  const range = (await stagedRange(t.deps.db, importId))!;
  expect(await mergeChunk(t.deps.db, imp!, range.first, range.first + 2)).toEqual({ created: 1, updated: 1 });
}

describe(`chunked import merge (${engineName})`, () => {
  it('undoes the chunks already merged when a later chunk fails: created contacts, updates and memberships', async () => {
    const { c, list, importId } = await setup();
    const before = await state(c, list.id);
    expect(before.members).toEqual(['kept@x.io']);
    // The third chunk fails after two chunks committed.
    await runImportFailingAtBoom(importId);
    const report = (await c.get(`/api/v1/contacts/imports/${importId}`)).body;
    expect(report).toMatchObject({ status: 'failed', createdCount: 0, updatedCount: 0 });
    expect(report.error).toMatch(/nothing was imported/);
    // Exactly as before: a@x.io and c@x.io (created by chunks 1 and 2) gone, old@x.io's update
    // reverted (name, tags, updatedAt), kept@x.io still on the list and nobody else.
    expect(await state(c, list.id)).toEqual(before);
    expect((await c.get(`/api/v1/lists/${list.id}`)).body.contactCount).toBe(1);
  });

  it('a re-run after a worker died mid-merge undoes the partial merge first and imports once', async () => {
    const { c, list, importId } = await setup();
    await leaveFirstChunkMerged(importId);

    await runImport(t.deps, importId, { chunkRows: 2 });
    const report = (await c.get(`/api/v1/contacts/imports/${importId}`)).body;
    expect(report).toMatchObject({ status: 'completed', totalRows: 6, createdCount: 4, updatedCount: 2, skippedCount: 0 });
    const after = await state(c, list.id);
    expect(after.members).toEqual(['a@x.io', 'boom@x.io', 'c@x.io', 'd@x.io', 'kept@x.io', 'old@x.io']);
    const old = after.contacts.find((r) => r[0] === 'old@x.io')!;
    expect(old[1]).toBe('New');
    expect((old[2] as string[]).sort()).toEqual(['a', 'b']);
  });

  it('a database crash mid-merge loses staging (unlogged), yet a retry that fails still restores the contacts it updated', async () => {
    const { c, list, importId } = await setup();
    const before = await state(c, list.id);
    await leaveFirstChunkMerged(importId);
    // Crash recovery truncates unlogged tables: the staged rows are gone.
    await t.deps.database.sql.query('DELETE FROM import_staging WHERE import_id = $1', [importId]);

    await runImportFailingAtBoom(importId);
    expect((await c.get(`/api/v1/contacts/imports/${importId}`)).body.status).toBe('failed');
    // old@x.io is back to "Old" with tags [a] and its old updatedAt, as before the first attempt.
    expect(await state(c, list.id)).toEqual(before);
    const leftovers = await t.deps.database.sql.query('SELECT 1 FROM import_undo WHERE import_id = $1', [importId]);
    expect(leftovers.rows).toEqual([]);
  });

  it('a contact erased while an import that updated it is running stays erased when that import is undone', async () => {
    const { c, old, importId } = await setup();
    await leaveFirstChunkMerged(importId);
    expect((await c.post(`/api/v1/contacts/${old.id}/erase`)).status).toBe(204);

    await runImportFailingAtBoom(importId);
    // The API answers 404 for an erased contact; the row itself must hold nothing.
    const row = await t.deps.database.sql.query('SELECT status, email, first_name, company, tags FROM contacts WHERE id = $1', [old.id]);
    expect(row.rows).toEqual([{ status: 'erased', email: null, first_name: null, company: null, tags: [] }]);
  });

  it('keeps the first of several rows with one address and reports the later ones as duplicates', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    const csv = 'email,first name\ninfo@dup.io,First\nx@dup.io,X\nINFO@dup.io,Second\ninfo@dup.io,Third\n';
    const up = (await c.upload('/api/v1/contacts/imports', 'dups.csv', csv)).body;
    await c.post(`/api/v1/contacts/imports/${up.id}/start`, { mapping: up.suggestedMapping });
    await runImport(t.deps, up.id, { chunkRows: 1 });
    const report = (await c.get(`/api/v1/contacts/imports/${up.id}`)).body;
    expect(report).toMatchObject({ status: 'completed', createdCount: 2, skippedCount: 2 });
    // The role-address flag stays on the row that was imported only.
    expect(report.issues.map((i: { row: number; reason: string }) => [i.row, i.reason])).toEqual([[2, 'role_address'], [4, 'duplicate_in_file'], [5, 'duplicate_in_file']]);
    expect((await c.get('/api/v1/contacts?q=info@dup.io')).body.items.map((i: { firstName: string }) => i.firstName)).toEqual(['First']);
  });
});
