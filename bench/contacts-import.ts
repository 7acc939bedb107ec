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
/** The embedded database is measured at a smaller size: at 1M its one-transaction merge blocks the single connection for minutes. */
const PGLITE_ROWS = Number(process.env.BENCH_PGLITE_ROWS ?? Math.min(ROWS, 100_000));
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
  stop(): Promise<void>;
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const proc = spawnCli('start', { ...env, PORT: '0', LOG_LEVEL: 'info' });
  const [, url] = await proc.waitFor(/running at (http:\/\/[^"\s]+)/, 120_000);
  const client = new LiveClient(url!);
  const res = await client.request('POST', '/api/v1/auth/signup', { email: 'bench@example.com', password: 'benchmark password', name: 'Bench' });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  return {
    client,
    pid: proc.child.pid!,
    async stop() {
      proc.child.kill('SIGTERM');
      await proc.exited;
    },
  };
}

async function importThroughApi(server: Server, file: string, rows = ROWS): Promise<{ rowsPerSecond: number; created: number }> {
  const blob = await openAsBlob(file, { type: 'text/csv' });
  const started = performance.now();
  const up = await server.client.upload('/api/v1/contacts/imports', 'contacts.csv', blob);
  const upload = (await up.json()) as { id: string; suggestedMapping: Record<string, string> };
  if (up.status !== 201) throw new Error(`upload failed: ${JSON.stringify(upload)}`);
  const mapping = { ...upload.suggestedMapping, city: '', plan: '' };
  const start = await server.client.request('POST', `/api/v1/contacts/imports/${upload.id}/start`, { mapping });
  if (start.status !== 202) throw new Error(`start failed: ${await start.text()}`);
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const r = (await (await server.client.request('GET', `/api/v1/contacts/imports/${upload.id}`)).json()) as { status: string; createdCount: number; error: string | null };
    if (r.status === 'failed') throw new Error(`import failed: ${r.error}`);
    if (r.status === 'completed') return { rowsPerSecond: rows / ((performance.now() - started) / 1000), created: r.createdCount };
  }
}

async function timeRequests(client: LiveClient, paths: string[], rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const path of paths) {
      const t0 = performance.now();
      const res = await client.request('GET', path);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      times.push(performance.now() - t0);
    }
  }
  return times;
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
      report('import on PostgreSQL', { label: 'upload → validated, deduped, merged into contacts', value: ours.rowsPerSecond, unit: 'rows/s' }, { label: 'raw COPY into a bare table (pg-copy-streams)', value: copyRate, unit: 'rows/s' }, { 'server peak RSS': `${peakRssMb(server.pid)} MB`, created: ours.created });

      // A contact-table page at this size: first page, a later page by cursor, a sort, a search.
      const first = (await (await server.client.request('GET', '/api/v1/contacts?limit=50')).json()) as { nextCursor: string };
      const pages = ['/api/v1/contacts?limit=50', `/api/v1/contacts?limit=50&cursor=${first.nextCursor}`, '/api/v1/contacts?limit=50&sort=email&order=asc', '/api/v1/contacts?limit=50&q=person99999'];
      const pageTimes = await timeRequests(server.client, pages, 25);
      const raw = new pg.Client({ connectionString: url });
      await raw.connect();
      const { rows: [{ workspace_id: ws }] } = await raw.query('SELECT workspace_id FROM contacts LIMIT 1');
      const rawTimes: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        await raw.query('SELECT * FROM contacts WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT 51', [ws]);
        rawTimes.push(performance.now() - t0);
      }
      report('contact-list page at 1M (p95, HTTP round trip)', { label: 'GET /contacts: first page, cursor page, email sort, search', value: percentile(pageTimes, 95), unit: 'ms' }, { label: 'the same first page as one bare SELECT over pg (no HTTP, auth or JSON)', value: percentile(rawTimes, 95), unit: 'ms' }, { 'p50 ours': `${percentile(pageTimes, 50).toFixed(1)} ms` });

      const listRes = await server.client.request('POST', '/api/v1/lists', { name: 'bench' });
      const list = (await listRes.json()) as { id: string };
      await server.client.request('POST', '/api/v1/contacts/bulk', { filter: { q: 'company1' }, action: 'add_to_list', listId: list.id });
      const segRes = await server.client.request('POST', '/api/v1/segments', { name: 'CEOs', filter: { match: 'all', conditions: [{ type: 'text', field: 'title', op: 'eq', value: 'CEO' }] } });
      const seg = (await segRes.json()) as { id: string };
      const countTimes = await timeRequests(server.client, [`/api/v1/contacts/count?listId=${list.id}`, `/api/v1/contacts/count?segmentId=${seg.id}`, '/api/v1/contacts/count'], 10);
      const rawCount: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        await raw.query('SELECT count(*) FROM contacts WHERE workspace_id = $1', [ws]);
        rawCount.push(performance.now() - t0);
      }
      await raw.end();
      report('list / segment / total counts at 1M (p95)', { label: 'GET /contacts/count for a list, a segment, everything', value: percentile(countTimes, 95), unit: 'ms' }, { label: 'bare SELECT count(*) of the workspace over pg', value: percentile(rawCount, 95), unit: 'ms' });
      await server.stop();
    } catch (err) {
      await server.stop();
      throw err;
    }
  } finally {
    await dropDatabase(url);
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'ms-bench-pglite-'));
  const smallFile = PGLITE_ROWS === ROWS ? file : await generateCsv(PGLITE_ROWS);
  const embedded = await startServer({ DATA_DIR: dataDir });
  try {
    const ours = await importThroughApi(embedded, smallFile, PGLITE_ROWS);
    report(`import on embedded PGlite (${PGLITE_ROWS.toLocaleString()} rows)`, { label: 'upload → validated, deduped, merged into contacts', value: ours.rowsPerSecond, unit: 'rows/s' }, { label: 'raw COPY on PostgreSQL (above)', value: copyRate, unit: 'rows/s' }, { 'server peak RSS': `${peakRssMb(embedded.pid)} MB`, created: ours.created });
  } finally {
    await embedded.stop();
  }
}

