import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { pendingMigrations } from './db/migrate.js';
import { DataDirInUseError, lockDataDir } from './db/datadir-lock.js';

export interface DoctorReport {
  ok: boolean;
  lines: string[];
}

/** The start-up guardrails plus live checks, for operators: `messagesender doctor`. */
export async function runDoctor(env: Record<string, string | undefined> = process.env): Promise<DoctorReport> {
  const lines: string[] = [];
  let ok = true;
  let config;
  try {
    config = loadConfig(env);
    lines.push(`ok   configuration (${config.env}, secrets from ${config.secretsSource === 'env' ? 'environment' : 'data directory'})`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) lines.push(`FAIL ${p}`);
    return { ok: false, lines };
  }
  let release = () => {};
  if (!config.databaseUrl) {
    try {
      release = lockDataDir(config.dataDir);
    } catch (err) {
      if (!(err instanceof DataDirInUseError)) throw err;
      // The running server holds the embedded database; its /health/ready reports the migrations.
      lines.push(`ok   embedded database in ${config.dataDir} is open in process ${err.pid}; check GET /health/ready for migrations`);
      return { ok, lines };
    }
  }
  const database = await openDatabase(config).catch((err: Error) => {
    lines.push(`FAIL database: ${err.message}`);
    return null;
  });
  if (!database) {
    release();
    return { ok: false, lines };
  }
  try {
    await database.sql.query('SELECT 1');
    lines.push('ok   database reachable');
    const pending = await pendingMigrations(database.sql);
    if (pending.length) {
      ok = false;
      lines.push(`FAIL migrations pending: ${pending.join(', ')} (run \`messagesender migrate\`)`);
    } else lines.push('ok   migrations applied');
  } catch (err) {
    ok = false;
    lines.push(`FAIL database: ${(err as Error).message}`);
  } finally {
    await database.close();
    release();
  }
  return { ok, lines };
}
