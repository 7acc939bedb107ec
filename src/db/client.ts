import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { applyEmbeddedSettings, createPgliteDirIfMissing } from './pglite-initdb.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** The one database handle every module uses, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** Raw SQL access for the few places drizzle cannot express (migrations, pg-boss, locks). */
export interface SqlClient {
  /** `name`: PostgreSQL prepares the statement once per connection (a hot path's parse and plan). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[], name?: string): Promise<{ rows: T[] }>;
  /** Multi-statement SQL (DDL files). */
  exec(text: string): Promise<void>;
  /** Runs fn with a client bound to one connection (needed for session advisory locks). */
  withConnection<T>(fn: (c: Omit<SqlClient, 'withConnection' | 'close'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  sql: SqlClient;
  pglite?: PGlite;
  /** PostgreSQL only: a new connection outside the pool, for a session that stays open (LISTEN). */
  dedicatedClient?: () => pg.Client;
  close(): Promise<void>;
}

export function pgliteDatabase(pglite: PGlite): Database {
  const sql: SqlClient = {
    async query(text, params) {
      const r = await pglite.query(text, params as unknown[]);
      return { rows: r.rows as never[] };
    },
    async exec(text) {
      await pglite.exec(text);
    },
    // PGlite is a single connection already.
    withConnection: (fn) => fn(sql),
    close: () => pglite.close(),
  };
  return { kind: 'pglite', db: drizzlePglite(pglite, { schema }) as unknown as Db, sql, pglite, close: () => sql.close() };
}

export function postgresDatabase(url: string, opts: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, application_name: 'messagesender' });
  // An idle client erroring (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const sql: SqlClient = {
    async query(text, params, name) {
      const r = await pool.query({ text, values: params as unknown[], name });
      return { rows: r.rows };
    },
    async exec(text) {
      await pool.query(text);
    },
    async withConnection(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          query: async (text, params) => ({ rows: (await client.query(text, params as unknown[])).rows }),
          exec: async (text) => {
            await client.query(text);
          },
        });
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  const dedicatedClient = () => new pg.Client({ connectionString: url, application_name: 'messagesender-listen' });
  return { kind: 'postgres', db: drizzlePg(pool, { schema }) as unknown as Db, sql, dedicatedClient, close: () => sql.close() };
}

const BYTEA_OID = 17;

/**
 * Extensions the migrations use, and bytea converted natively: PGlite's own bytea serializer and
 * parser build one string per byte, which held a 50 MB upload at hundreds of MB of heap. Every
 * PGlite we open uses these. bytea reads come back as a Buffer, as node-postgres returns them.
 */
export const PGLITE_OPTIONS: PGliteOptions = {
  extensions: { pg_trgm },
  serializers: { [BYTEA_OID]: (bytes: Uint8Array) => '\\x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex') },
  parsers: { [BYTEA_OID]: (text: string) => Buffer.from(text.slice(2), 'hex') },
};

/** Opens the embedded database in `<dataDir>/pg` (the caller holds the data-dir lock). */
export async function openPglite(dataDir: string): Promise<Database> {
  const dir = join(dataDir, 'pg');
  mkdirSync(dir, { recursive: true });
  await createPgliteDirIfMissing(dir);
  const pglite = new PGlite(dir, PGLITE_OPTIONS);
  await pglite.waitReady;
  await applyEmbeddedSettings(pglite);
  return pgliteDatabase(pglite);
}

export async function openDatabase(cfg: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  if (cfg.databaseUrl) return postgresDatabase(cfg.databaseUrl);
  return openPglite(cfg.dataDir);
}
