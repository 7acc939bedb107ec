import { createReadStream, createWriteStream, openAsBlob, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { LiveClient, spawnCli } from '../test/helpers/process.js';
import { peakRssMb, percentile, report } from './lib.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
/** The embedded database imports the same file (its merge runs in 5k-row chunks; BENCH_PGLITE_ROWS=0 skips it). */
const PGLITE_ROWS = Number(process.env.BENCH_PGLITE_ROWS ?? ROWS);
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const HEADER = 'email,first_name,last_name,company,title,phone,city,plan';

async function generateCsv(rows: number): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'ms-bench-')), `contacts-${rows}.csv`);
  const out = createWriteStream(file);
  out.write(HEADER + '\n');
  const titles = ['CEO', 'CTO', 'Head of Sales', 'VP Marketing', 'Founder'];
  for (let i = 0; i < rows; i++) {
    const line = `person${i}@company${i % 5000}.com,First${i},Last${i},Company ${i % 5000},${titles[i % 5]},+1 555 ${String(i).padStart(7, '0')},City ${i % 300},${i % 3 ? 'pro' : 'free'}\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return file;
}

async function freshDatabase(): Promise<string> {
  const name = `bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(url: string) {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
  await admin.end();
}

/** The baseline: the same file streamed into a bare table with COPY, no validation at all. */
async function copyBaseline(url: string, file: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE TABLE bare (email text, first_name text, last_name text, company text, title text, phone text, city text, plan text)');
  const started = performance.now();
  await pipeline(createReadStream(file), client.query(copyFrom('COPY bare FROM STDIN WITH (FORMAT csv, HEADER true)')));
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return ROWS / seconds;
}

interface Server {
  client: LiveClient;
  pid: number;
  /** The import's phase times, from its completion log line. */
  phases(): string;
  stop(): Promise<void>;
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const proc = spawnCli('start', { ...env, PORT: '0', LOG_LEVEL: 'info', NODE_OPTIONS: process.env.BENCH_SERVE_NODE_OPTIONS });
  const [, url] = await proc.waitFor(/running at (http:\/\/[^"\s]+)/, 120_000);
  const client = new LiveClient(url!);
  const res = await client.request('POST', '/api/v1/auth/signup', { email: 'bench@example.com', password: 'benchmark password', name: 'Bench' });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  return {
    client,
    pid: proc.child.pid!,
    phases: () => [...proc.output().matchAll(/"(stageMs|prepareMs|mergeMs|finishMs)":(\d+)/g)].map((m) => `${m[1]!.replace('Ms', '')} ${(Number(m[2]) / 1000).toFixed(1)} s`).join(', '),
    async stop() {
      proc.child.kill('SIGTERM');
      await proc.exited;
    },
  };
}

async function importThroughApi(server: Server, file: string, rows = ROWS): Promise<{ rowsPerSecond: number; created: number; slowestPollMs: number }> {
  const blob = await openAsBlob(file, { type: 'text/csv' });
  const started = performance.now();
  const up = await server.client.upload('/api/v1/contacts/imports', 'contacts.csv', blob);
  const upload = (await up.json()) as { id: string; suggestedMapping: Record<string, string> };
  if (up.status !== 201) throw new Error(`upload failed: ${JSON.stringify(upload)}`);
  const mapping = { ...upload.suggestedMapping, city: '', plan: '' };
  const start = await server.client.request('POST', `/api/v1/contacts/imports/${upload.id}/start`, { mapping });
  if (start.status !== 202) throw new Error(`start failed: ${await start.text()}`);
  // The slowest progress poll says how long the app stopped answering while the import ran.
  let slowestPollMs = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const t0 = performance.now();
    const r = (await (await server.client.request('GET', `/api/v1/contacts/imports/${upload.id}`)).json()) as { status: string; createdCount: number; error: string | null };
    slowestPollMs = Math.max(slowestPollMs, performance.now() - t0);
    if (r.status === 'failed') throw new Error(`import failed: ${r.error}`);
    if (r.status === 'completed') return { rowsPerSecond: rows / ((performance.now() - started) / 1000), created: r.createdCount, slowestPollMs };
  }
}

/** Round-trip times of each path, interleaved over `rounds`; also every time together. */
async function timeRequests(client: LiveClient, paths: string[], rounds: number): Promise<{ all: number[]; byPath: number[][]; bodies: unknown[] }> {
  const byPath: number[][] = paths.map(() => []);
  const bodies: unknown[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const [k, path] of paths.entries()) {
      const t0 = performance.now();
      const res = await client.request('GET', path);
      const body = await res.json();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      byPath[k]!.push(performance.now() - t0);
      bodies[k] = body;
    }
  }
  return { all: byPath.flat(), byPath, bodies };
}

const p95 = (times: number[]) => `${percentile(times, 95).toFixed(1)} ms`;

/**
 * What any import that keeps contacts' indexes must pay: the rows COPY loaded, moved into
 * contacts (of a second workspace) by one INSERT … SELECT, no parsing, validation or staging.
 */
async function floorBaseline(url: string, copyRate: number) {
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  const { rows: [{ id: ws }] } = await raw.query(`INSERT INTO workspaces (name) VALUES ('floor') RETURNING id`);
  const t0 = performance.now();
  await raw.query(`INSERT INTO contacts (workspace_id, email, first_name, last_name, company, title, phone, source)
    SELECT $1, lower(email), first_name, last_name, company, title, phone, 'import' FROM bare ON CONFLICT (workspace_id, email) DO NOTHING`, [ws]);
  const rate = ROWS / ((performance.now() - t0) / 1000);
  await raw.end();
  report('the floor: one INSERT … SELECT of the same rows into contacts with its indexes', { label: 'bare rows → contacts (a second workspace), no validation', value: rate, unit: 'rows/s' }, { label: 'raw COPY into a bare table', value: copyRate, unit: 'rows/s' });
}

export async function benchContactsImport() {
  console.log(`# contacts: import ${ROWS.toLocaleString()} rows (8 columns), list and count at that size\n`);
  const file = await generateCsv(ROWS);
  console.log(`generated ${file} (${(statSync(file).size / 1024 / 1024).toFixed(0)} MB)\n`);

  const url = await freshDatabase();
  let copyRate = 0;
  try {
    copyRate = await copyBaseline(url, file);
    const server = await startServer({ DATABASE_URL: url });
    try {
      const ours = await importThroughApi(server, file);
      report('import on PostgreSQL', { label: 'upload → validated, deduped, merged into contacts', value: ours.rowsPerSecond, unit: 'rows/s' }, { label: 'raw COPY into a bare table (pg-copy-streams)', value: copyRate, unit: 'rows/s' }, { 'server peak RSS': `${peakRssMb(server.pid)} MB`, created: ours.created, phases: server.phases(), 'slowest progress poll during the import': `${ours.slowestPollMs.toFixed(0)} ms` });

      // A contact-table page at this size: first page, a later page by cursor, a sort, a search.
      const first = (await (await server.client.request('GET', '/api/v1/contacts?limit=50')).json()) as { nextCursor: string };
      const pages = ['/api/v1/contacts?limit=50', `/api/v1/contacts?limit=50&cursor=${first.nextCursor}`, '/api/v1/contacts?limit=50&sort=email&order=asc', '/api/v1/contacts?limit=50&q=person99999'];
      const pageTimes = await timeRequests(server.client, pages, 25);
      const [firstP, cursorP, sortP, searchP] = pageTimes.byPath.map(p95);
      const raw = new pg.Client({ connectionString: url });
      await raw.connect();
      const { rows: [{ workspace_id: ws }] } = await raw.query('SELECT workspace_id FROM contacts LIMIT 1');
      const rawTimes: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        await raw.query('SELECT * FROM contacts WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT 51', [ws]);
        rawTimes.push(performance.now() - t0);
      }
      report('contact-list page at 1M (p95, HTTP round trip)', { label: 'GET /contacts: first page, cursor page, email sort, search', value: percentile(pageTimes.all, 95), unit: 'ms' }, { label: 'the same first page as one bare SELECT over pg (no HTTP, auth or JSON)', value: percentile(rawTimes, 95), unit: 'ms' }, { 'p50 ours': `${percentile(pageTimes.all, 50).toFixed(1)} ms`, 'p95 by query': `first page ${firstP}, cursor page ${cursorP}, email sort ${sortP}, search ${searchP}` });

      const listRes = await server.client.request('POST', '/api/v1/lists', { name: 'bench' });
      const list = (await listRes.json()) as { id: string };
      await server.client.request('POST', '/api/v1/contacts/bulk', { filter: { q: 'company1' }, action: 'add_to_list', listId: list.id });
      const segRes = await server.client.request('POST', '/api/v1/segments', { name: 'CEOs', filter: { match: 'all', conditions: [{ type: 'text', field: 'title', op: 'eq', value: 'CEO' }] } });
      const seg = (await segRes.json()) as { id: string };
      const countTimes = await timeRequests(server.client, [`/api/v1/contacts/count?listId=${list.id}`, `/api/v1/contacts/count?segmentId=${seg.id}`, '/api/v1/contacts/count'], 10);
      const how = (b: unknown) => ((b as { exact: boolean }).exact ? 'exact' : 'cached');
      const [listB, segB, allB] = countTimes.bodies as { count: number }[];
      const [listP, segP, allP] = countTimes.byPath.map(p95);
      const rawCount: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        await raw.query('SELECT count(*) FROM contacts WHERE workspace_id = $1', [ws]);
        rawCount.push(performance.now() - t0);
      }
      await raw.end();
      report('list / segment / total counts at 1M (p95)', { label: 'GET /contacts/count for a list, a segment, everything', value: percentile(countTimes.all, 95), unit: 'ms' }, { label: 'bare SELECT count(*) of the workspace over pg', value: percentile(rawCount, 95), unit: 'ms' }, {
        'p95 by count': `list ${listP} (${listB!.count}, ${how(listB)}), segment ${segP} (${segB!.count}, ${how(segB)}), everything ${allP} (${allB!.count}, ${how(allB)})`,
        'the first count of each (nothing cached yet)': countTimes.byPath.map((t) => `${t[0]!.toFixed(0)} ms`).join(', '),
      });
      await floorBaseline(url, copyRate);
      await server.stop();
    } catch (err) {
      await server.stop();
      throw err;
    }
  } finally {
    await dropDatabase(url);
  }

  if (PGLITE_ROWS <= 0) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-bench-pglite-'));
  const smallFile = PGLITE_ROWS === ROWS ? file : await generateCsv(PGLITE_ROWS);
  const embedded = await startServer({ DATA_DIR: dataDir });
  try {
    const ours = await importThroughApi(embedded, smallFile, PGLITE_ROWS);
    report(`import on embedded PGlite (${PGLITE_ROWS.toLocaleString()} rows)`, { label: 'upload → validated, deduped, merged into contacts', value: ours.rowsPerSecond, unit: 'rows/s' }, { label: 'raw COPY on PostgreSQL (above)', value: copyRate, unit: 'rows/s' }, { 'server peak RSS': `${peakRssMb(embedded.pid)} MB`, created: ours.created, phases: embedded.phases(), 'slowest progress poll during the import': `${ours.slowestPollMs.toFixed(0)} ms` });
    // The app keeps answering during and after the import: one page at this size.
    const t0 = performance.now();
    const page = await embedded.client.request('GET', '/api/v1/contacts?limit=50');
    await page.arrayBuffer();
    console.log(`  first contacts page on PGlite after the import: ${(performance.now() - t0).toFixed(1)} ms (${page.status})\n`);
  } finally {
    await embedded.stop();
  }
}

