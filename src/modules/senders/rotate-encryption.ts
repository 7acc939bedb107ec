import { and, eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRETS_FILE, type Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { senderAccounts, SENDER_SECRET_COLUMNS } from '../../db/schema/index.js';
import { decrypt, DecryptError, encrypt, keyIdOf } from '../../lib/crypto.js';
import { AppError } from '../../lib/problems.js';
import { reencryptPageTokens } from '../messenger/rotate-page-tokens.js';
import { secretContext } from './senders.js';

/**
 * Re-seals every stored secret (inbox credentials, page tokens) under the active key. Each value is swapped only if it is still
 * the one we read (compare-and-set), so a running app that writes meanwhile never loses an update.
 */
export async function reencryptSecrets(db: Db, secrets: Config['secrets']): Promise<{ rotated: number; alreadyCurrent: number }> {
  let rotated = 0;
  let alreadyCurrent = 0;
  const rows = await db.select().from(senderAccounts);
  for (const row of rows) {
    for (const column of SENDER_SECRET_COLUMNS) {
      const sealed = row[column];
      if (!sealed) continue;
      if (keyIdOf(sealed) === secrets.encryptionKeyId) {
        alreadyCurrent++;
        continue;
      }
      const context = secretContext(row.id, column);
      let plain: string;
      try {
        plain = decrypt(secrets, sealed, context);
      } catch (err) {
        if (!(err instanceof DecryptError)) throw err;
        throw new AppError(409, 'unknown-encryption-key', `A stored credential (account ${row.email}) was sealed with key "${keyIdOf(sealed)}", which is not configured: ${err.message}. Add it to ENCRYPTION_KEYS and retry.`);
      }
      const resealed = encrypt(secrets, plain, context);
      const updated = await db.update(senderAccounts).set({ [column]: resealed }).where(and(eq(senderAccounts.id, row.id), eq(senderAccounts[column], sealed))).returning({ id: senderAccounts.id });
      if (updated.length) rotated++;
    }
  }
  // Facebook page tokens are sealed with the same keys.
  const pages = await reencryptPageTokens(db, secrets);
  return { rotated: rotated + pages.rotated, alreadyCurrent: alreadyCurrent + pages.alreadyCurrent };
}

/**
 * Outside production the keys live in the data directory: add a fresh key there and make it the
 * active one (old keys stay, so existing values still open). In production keys come from
 * ENCRYPTION_KEYS / ENCRYPTION_KEY_ID and the operator adds the new one before rotating.
 */
export function addDataDirKey(config: Config): string {
  if (config.secretsSource !== 'data-dir') throw new Error('keys come from ENCRYPTION_KEYS: add the new key there, set ENCRYPTION_KEY_ID, restart, then rotate');
  const ids = Object.keys(config.secrets.encryptionKeys);
  let n = ids.length + 1;
  while (config.secrets.encryptionKeys[`k${n}`]) n++;
  const id = `k${n}`;
  config.secrets.encryptionKeys[id] = randomBytes(32).toString('base64');
  config.secrets.encryptionKeyId = id;
  writeFileSync(join(config.dataDir, SECRETS_FILE), JSON.stringify(config.secrets, null, 2), { mode: 0o600 });
  return id;
}
