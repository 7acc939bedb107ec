import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { loginThrottles } from '../../db/schema/index.js';
import { tooManyRequests } from '../../lib/problems.js';

/** Failures allowed before the account locks; each failure after that doubles the lock. */
export const FREE_FAILURES = 5;
const BASE_LOCK_SECONDS = 30;
const MAX_LOCK_SECONDS = 3600;

export function lockSecondsAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_LOCK_SECONDS, BASE_LOCK_SECONDS * 2 ** (failures - FREE_FAILURES));
}

export async function assertNotLocked(db: Db, email: string) {
  const [row] = await db.select({ lockedUntil: loginThrottles.lockedUntil }).from(loginThrottles).where(eq(loginThrottles.email, email));
  const waitMs = row?.lockedUntil ? row.lockedUntil.getTime() - Date.now() : 0;
  if (waitMs > 0) throw tooManyRequests(Math.ceil(waitMs / 1000), 'Too many failed logins for this account; try again later.');
}

export async function recordLoginFailure(db: Db, email: string): Promise<number> {
  const [row] = await db
    .insert(loginThrottles)
    .values({ email, failures: 1 })
    .onConflictDoUpdate({ target: loginThrottles.email, set: { failures: sql`${loginThrottles.failures} + 1`, updatedAt: new Date() } })
    .returning({ failures: loginThrottles.failures });
  const failures = row!.failures;
  const lock = lockSecondsAfter(failures);
  if (lock > 0) await db.update(loginThrottles).set({ lockedUntil: new Date(Date.now() + lock * 1000) }).where(eq(loginThrottles.email, email));
  return failures;
}

export async function clearLoginFailures(db: Db, email: string) {
  await db.delete(loginThrottles).where(eq(loginThrottles.email, email));
}
