import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from './client.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** One lock key for "someone is migrating": several processes starting at once take turns. */
const MIGRATION_LOCK_KEY = 7_411_020_001;

interface Migration {
  tag: string;
  hash: string;
  statements: string[];
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const journal = JSON.parse(readFileSync(`${dir}/meta/_journal.json`, 'utf8')) as { entries: { tag: string }[] };
  return journal.entries.map(({ tag }) => {
    const text = readFileSync(`${dir}/${tag}.sql`, 'utf8');
    return {
      tag,
      hash: createHash('sha256').update(text).digest('hex'),
      statements: text.split('--> statement-breakpoint').map((s) => s.trim()).filter(Boolean),
    };
  });
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  tag text PRIMARY KEY,
  hash text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

export async function appliedMigrations(sql: Pick<SqlClient, 'query'>): Promise<Set<string>> {
  const exists = await sql.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (!exists.rows[0]?.t) return new Set();
  const { rows } = await sql.query<{ tag: string }>('SELECT tag FROM schema_migrations');
  return new Set(rows.map((r) => r.tag));
}

export async function pendingMigrations(sql: Pick<SqlClient, 'query'>): Promise<string[]> {
  const applied = await appliedMigrations(sql);
  return listMigrations().filter((m) => !applied.has(m.tag)).map((m) => m.tag);
}

/** Applies every pending migration, each in its own transaction, under a session advisory lock. */
export async function migrate(sql: SqlClient): Promise<string[]> {
  return sql.withConnection(async (conn) => {
    await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await conn.exec(CREATE_TABLE);
      const applied = await appliedMigrations(conn);
      const done: string[] = [];
      for (const m of listMigrations()) {
        if (applied.has(m.tag)) continue;
        await conn.exec('BEGIN');
        try {
          for (const statement of m.statements) await conn.exec(statement);
          await conn.query('INSERT INTO schema_migrations (tag, hash) VALUES ($1, $2)', [m.tag, m.hash]);
          await conn.exec('COMMIT');
        } catch (err) {
          await conn.exec('ROLLBACK');
          throw new Error(`migration ${m.tag} failed: ${(err as Error).message}`);
        }
        done.push(m.tag);
      }
      return done;
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}
