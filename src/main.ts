import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { createBackup } from './db/backup/create-backup.js';
import { BackupError } from './db/backup/manifest.js';
import { restoreBackup } from './db/backup/restore-backup.js';
import { openDatabase } from './db/client.js';
import { DataDirInUseError, lockDataDir } from './db/datadir-lock.js';
import { migrate } from './db/migrate.js';
import { runDoctor } from './doctor.js';
import { addDataDirKey, reencryptSecrets } from './modules/senders/rotate-encryption.js';
import { createLogger } from './lib/logger.js';
import { APP_VERSION } from './lib/paths.js';
import { startRuntime, type Role } from './runtime.js';

const USAGE = `usage: messagesender <command>

  start     API + web app + background worker in one process (default)
  serve     API + web app only (scale-out; needs DATABASE_URL)
  worker    background worker only (scale-out; needs DATABASE_URL)
  migrate   apply database migrations and exit
  doctor    the production checklist item by item (configuration, database, migrations, Redis,
            SMTP, backup tooling, workers); non-zero exit when an item fails
  backup [--out DIR]   write a consistent backup (payload + manifest with SHA-256) into DIR
            (default ./backups); embedded database: stop the server first
  restore FILE         load a backup (its manifest or payload) into an EMPTY database
  rotate-key  re-encrypt stored credentials under the active key (ENCRYPTION_KEY_ID);
            on the embedded database, stop the server first or use POST /api/v1/admin/encryption/rotate`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function run(command: string) {
  if (command === 'doctor') {
    const report = await runDoctor();
    process.stdout.write(report.lines.join('\n') + '\n');
    process.exit(report.ok ? 0 : 1);
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel, undefined, { sentryDsn: config.sentryDsn, environment: config.env, release: APP_VERSION });

  if (command === 'migrate') {
    const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
    const database = await openDatabase(config);
    const applied = await migrate(database.sql);
    await database.close();
    release();
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    return;
  }

  if (command === 'backup') {
    const args = process.argv.slice(3);
    const outIndex = args.indexOf('--out');
    const outDir = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1]! : 'backups');
    const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
    try {
      const appVersion = APP_VERSION;
      const { manifestPath, manifest } = await createBackup({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, dataDirSecrets: config.secretsSource === 'data-dir', appVersion }, outDir);
      const rows = Object.values(manifest.tables).reduce((a, b) => a + b, 0);
      process.stdout.write(`backup written: ${manifestPath}\n  ${manifest.payload.file} (${manifest.payload.bytes} bytes, sha256 ${manifest.payload.sha256})\n  ${Object.keys(manifest.tables).length} tables, ${rows} rows\n`);
      if (manifest.secrets) process.stdout.write(`  ${manifest.secrets.file}: this install's generated secrets; keep it as private as the data\n`);
    } finally {
      release();
    }
    return;
  }

  if (command === 'restore') {
    const file = process.argv[3];
    if (!file) fail('usage: messagesender restore <backup manifest or payload file>');
    const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
    try {
      const result = await restoreBackup({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, resolve(file));
      process.stdout.write(`restored backup of ${result.manifest.createdAt}: ${result.tables} tables, ${result.rows} rows, row counts match the manifest\n`);
    } finally {
      release();
    }
    return;
  }

  if (command === 'rotate-key') {
    const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
    const database = await openDatabase(config);
    if (config.secretsSource === 'data-dir') addDataDirKey(config);
    const result = await reencryptSecrets(database.db, config.secrets);
    await database.close();
    release();
    process.stdout.write(`active key ${config.secrets.encryptionKeyId}: re-encrypted ${result.rotated}, already current ${result.alreadyCurrent}\n`);
    return;
  }

  const role: Role | undefined = ({ start: 'all', serve: 'serve', worker: 'worker' } as const)[command as 'start'];
  if (!role) fail(USAGE);
  const running = await startRuntime(config, log, role);
  if (running.url) {
    log.info({ url: running.url, database: running.deps.database.kind }, `MessageSender is running at ${running.url}`);
    if (process.stdout.isTTY) process.stdout.write(`\n  MessageSender is running at ${running.url}\n\n`);
  } else log.info('worker started');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    running.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

run(process.argv[2] ?? 'start').catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirInUseError || err instanceof BackupError) fail(err.message);
  fail(`failed to start: ${(err as Error).stack ?? err}`);
});
