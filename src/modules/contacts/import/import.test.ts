import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { TestClient } from '../../../../test/helpers/client.js';
import { engineName } from '../../../../test/helpers/db.js';
import { waitFor } from '../../../../test/helpers/wait.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ worker: true });
});
afterAll(() => t?.close());

async function workspace() {
  const c = new TestClient(t.app);
  await c.signup();
  return c;
}

/** Upload → start with the suggested (or given) mapping → wait for the job → the import report. */
async function runImport(c: TestClient, csv: string | Buffer, options: Record<string, unknown> = {}, mapping?: Record<string, string>) {
  const up = await c.upload('/api/v1/contacts/imports', 'people.csv', csv);
  expect(up.status, JSON.stringify(up.body)).toBe(201);
  const start = await c.post(`/api/v1/contacts/imports/${up.body.id}/start`, { mapping: mapping ?? up.body.suggestedMapping, ...options });
  expect(start.status, JSON.stringify(start.body)).toBe(202);
  const done = await waitFor(async () => {
    const r = await c.get(`/api/v1/contacts/imports/${up.body.id}`);
    return ['completed', 'failed'].includes(r.body.status) && r.body;
  }, 'import to finish', 60_000);
  return { upload: up.body, report: done, taskId: start.body.taskId as string };
}

describe(`CSV import (${engineName})`, () => {
  it('previews the head, auto-maps headers, and imports with a report per row', async () => {
    const c = await workspace();
    await c.post('/api/v1/contact-fields', { key: 'seats', label: 'Seats', type: 'number' });
    const csv = [
      'E-mail,First Name,Surname,Company,Seats,Notes',
      'ann@acme.io,Ann,Lee,Acme,12,hi',
      'not-an-email,Bob,,Beta,3,',
      'ANN@acme.io,Ann again,,,,duplicate',
      'info@acme.io,,,Acme,1,role address',
      'cid@cee.io,Cid,,Cee,lots,bad number',
    ].join('\n');
    const up = await c.upload('/api/v1/contacts/imports', 'people.csv', csv);
    expect(up.status).toBe(201);
    expect(up.body.headers).toEqual(['E-mail', 'First Name', 'Surname', 'Company', 'Seats', 'Notes']);
    expect(up.body.preview).toHaveLength(5);
    expect(up.body.suggestedMapping).toEqual({ 'E-mail': 'email', 'First Name': 'firstName', Surname: 'lastName', Company: 'company', Seats: 'custom.seats', Notes: '' });

    const { report, taskId } = await runImport(c, csv);
    expect(report).toMatchObject({ status: 'completed', totalRows: 5, createdCount: 2, updatedCount: 0, skippedCount: 3 });
    const reasons = report.issues.map((i: { row: number; reason: string; skipped: boolean }) => [i.row, i.reason, i.skipped]);
    expect(reasons).toEqual([[3, 'invalid_email', true], [4, 'duplicate_in_file', true], [5, 'role_address', false], [6, 'invalid_field', true]]);
    const ann = (await c.get('/api/v1/contacts?q=ann@acme.io')).body.items[0];
    expect(ann).toMatchObject({ email: 'ann@acme.io', firstName: 'Ann', lastName: 'Lee', company: 'Acme', custom: { seats: 12 }, source: 'import' });
    expect((await c.get('/api/v1/contacts?q=info@acme.io')).body.items[0].isRoleAddress).toBe(true);

    const job = await c.get(`/api/v1/jobs/${taskId}`);
    expect(job.body).toMatchObject({ kind: 'contact-import', status: 'completed', progress: { done: 5, total: 5, percent: 100 } });
  });

  it('handles a BOM, semicolons, quoted fields with embedded newlines and quotes', async () => {
    const c = await workspace();
    // The third row's cell holds COPY's own delimiters: a tab, a backslash and a literal \N (not NULL);
    // the last two are one address, its domain written in Unicode and as its A-label.
    const csv = '\uFEFFemail;name;company\r\n"q@x.io";"Quinn";"Line one\r\nline two; still ""one"" cell"\r\nr@x.io;Rae;Plain\r\nt@x.io;Zoë;"Tab\there, back\\slash \\N"\r\nUwe@Bücher.Test;Uwe;Books\r\nuwe@xn--bcher-kva.test;Uwe again;\r\n';
    const { upload, report } = await runImport(c, csv, {}, { email: 'email', name: 'firstName', company: 'company' });
    expect(upload.delimiter).toBe(';');
    expect(upload.headers).toEqual(['email', 'name', 'company']);
    expect(report).toMatchObject({ status: 'completed', createdCount: 4, skippedCount: 1 });
    // An internationalised domain is kept as its A-label: both spellings are one contact.
    expect(report.issues).toEqual([expect.objectContaining({ row: 6, reason: 'duplicate_in_file' })]);
    expect((await c.get('/api/v1/contacts?q=uwe')).body.items.map((i: { email: string; firstName: string }) => [i.email, i.firstName])).toEqual([['uwe@xn--bcher-kva.test', 'Uwe']]);
    const q = (await c.get('/api/v1/contacts?q=q@x.io')).body.items[0];
    expect(q.company).toBe('Line one\r\nline two; still "one" cell');
    const t = (await c.get('/api/v1/contacts?q=t@x.io')).body.items[0];
    expect(t).toMatchObject({ firstName: 'Zoë', company: 'Tab\there, back\\slash \\N' });
  });

  it('skips or updates existing contacts per the dedupe policy and adds everyone to the target list', async () => {
    const c = await workspace();
    await c.post('/api/v1/contacts', { email: 'old@x.io', firstName: 'Old', company: 'Keep Co', tags: ['a'] });
    const list = (await c.post('/api/v1/lists', { name: 'Imported' })).body;
    const csv = 'email,first name,tags\nold@x.io,New,b\nnew@x.io,Fresh,\n';
    const skip = await runImport(c, csv, { dedupe: 'skip', listId: list.id });
    expect(skip.report).toMatchObject({ createdCount: 1, updatedCount: 0, skippedCount: 1 });
    expect(skip.report.issues).toEqual([expect.objectContaining({ row: 2, reason: 'exists', skipped: true })]);
    expect((await c.get('/api/v1/contacts?q=old@x.io')).body.items[0].firstName).toBe('Old');
    const update = await runImport(c, csv, { dedupe: 'update', listId: list.id });
    expect(update.report).toMatchObject({ createdCount: 0, updatedCount: 2, skippedCount: 0 });
    const old = (await c.get('/api/v1/contacts?q=old@x.io')).body.items[0];
    expect(old).toMatchObject({ firstName: 'New', company: 'Keep Co' });
    expect(old.tags.sort()).toEqual(['a', 'b']);
    expect((await c.get(`/api/v1/lists/${list.id}`)).body.contactCount).toBe(2);
  });

  it('never imports or reactivates a suppressed address or domain', async () => {
    const c = await workspace();
    const gone = (await c.post('/api/v1/contacts', { email: 'gone@x.io' })).body;
    await c.patch(`/api/v1/contacts/${gone.id}`, { status: 'unsubscribed' });
    // A domain suppressed in Unicode covers its A-label spelling too.
    await c.post('/api/v1/suppressions', { values: ['@blocked.io', '@Bücher.test'] });
    const { report } = await runImport(c, 'email\ngone@x.io\nsomeone@blocked.io\nok@x.io\nkim@xn--bcher-kva.test\n', { dedupe: 'update' });
    expect(report).toMatchObject({ createdCount: 1, updatedCount: 0, skippedCount: 3 });
    expect(report.issues.map((i: { reason: string }) => i.reason)).toEqual(['suppressed', 'suppressed', 'suppressed']);
    expect((await c.get(`/api/v1/contacts/${gone.id}`)).body.status).toBe('unsubscribed');
  });

  it('fails a malformed file with a clear message and imports nothing — unless asked to import the valid rows', async () => {
    const c = await workspace();
    // Broken in the head: refused at upload, before anything is stored.
    const early = await c.upload('/api/v1/contacts/imports', 'bad.csv', 'email,name\na@x.io,A\nb@x.io,"unclosed\nc@x.io,C\n');
    expect(early.status).toBe(422);
    expect(early.body.detail).toMatch(/Quote Not Closed.*line 4/);
    // Broken after the preview: the job fails and nothing is imported.
    const rows = Array.from({ length: 30 }, (_, i) => `p${i}@x.io,P${i}`);
    const csv = ['email,name', ...rows, 'b@x.io,"unclosed', 'c@x.io,C'].join('\n');
    const strict = await runImport(c, csv);
    expect(strict.report.status).toBe('failed');
    expect(strict.report.error).toMatch(/not valid CSV.*line/i);
    expect((await c.get('/api/v1/contacts/count')).body.count).toBe(0);

    const ragged = ['email,name', ...rows, 'b@x.io,B,extra,cells', 'c@x.io,C'].join('\n');
    expect((await runImport(c, ragged)).report.status).toBe('failed');
    expect((await c.get('/api/v1/contacts/count')).body.count).toBe(0);
    const lenient = await runImport(c, ragged, { importValidRows: true });
    expect(lenient.report, JSON.stringify(lenient.report)).toMatchObject({ status: 'completed', createdCount: 31, skippedCount: 1 });
    expect(lenient.report.issues[0]).toMatchObject({ reason: 'malformed_row', skipped: true });
  });

  it('rejects bad uploads and mappings with problems naming the field', async () => {
    const c = await workspace();
    expect((await c.post('/api/v1/contacts/imports', { file: 'x' })).body.errors[0].field).toBe('file');
    expect((await c.upload('/api/v1/contacts/imports', 'empty.csv', '')).body.errors[0]).toEqual({ field: 'file', message: 'is empty' });
    expect((await c.upload('/api/v1/contacts/imports', 'sheet.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1]))).status).toBe(422);
    const up = (await c.upload('/api/v1/contacts/imports', 'a.csv', 'email,name\na@x.io,A\n')).body;
    const noEmail = await c.post(`/api/v1/contacts/imports/${up.id}/start`, { mapping: { name: 'firstName' } });
    expect(noEmail.status).toBe(422);
    expect(noEmail.body.errors).toEqual([{ field: 'mapping', message: 'one column must be mapped to email' }]);
    const bad = await c.post(`/api/v1/contacts/imports/${up.id}/start`, { mapping: { email: 'email', name: 'salary', nope: 'company' } });
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['mapping.name', 'mapping.nope']);
    const other = new TestClient(t.app);
    await other.signup();
    expect((await other.get(`/api/v1/contacts/imports/${up.id}`)).status).toBe(404);
    expect((await other.post(`/api/v1/contacts/imports/${up.id}/start`, { mapping: { email: 'email' } })).status).toBe(404);
  });
});
