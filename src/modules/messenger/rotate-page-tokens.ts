import { and, eq } from 'drizzle-orm';
import type { Secrets } from '../../config.js';
import type { Db } from '../../db/client.js';
import { facebookPages } from '../../db/schema/index.js';
import { decrypt, DecryptError, encrypt, keyIdOf } from '../../lib/crypto.js';
import { AppError } from '../../lib/problems.js';
import { pageTokenContext } from './pages.js';

/**
 * Re-seals every stored page token under the active key (what `rotate-key` does for mailbox
 * credentials). Compare-and-set per row, so a page reconnected meanwhile keeps its new token.
 */
export async function reencryptPageTokens(db: Db, secrets: Secrets): Promise<{ rotated: number; alreadyCurrent: number }> {
  let rotated = 0;
  let alreadyCurrent = 0;
  for (const row of await db.select({ id: facebookPages.id, name: facebookPages.name, sealed: facebookPages.accessTokenEnc }).from(facebookPages)) {
    if (keyIdOf(row.sealed) === secrets.encryptionKeyId) {
      alreadyCurrent++;
      continue;
    }
    let plain: string;
    try {
      plain = decrypt(secrets, row.sealed, pageTokenContext(row.id));
    } catch (err) {
      if (!(err instanceof DecryptError)) throw err;
      throw new AppError(409, 'unknown-encryption-key', `The token of Facebook page "${row.name}" was sealed with key "${keyIdOf(row.sealed)}", which is not configured: ${err.message}. Add it to ENCRYPTION_KEYS and retry.`);
    }
    const updated = await db.update(facebookPages).set({ accessTokenEnc: encrypt(secrets, plain, pageTokenContext(row.id)) })
      .where(and(eq(facebookPages.id, row.id), eq(facebookPages.accessTokenEnc, row.sealed))).returning({ id: facebookPages.id });
    if (updated.length) rotated++;
  }
  return { rotated, alreadyCurrent };
}
