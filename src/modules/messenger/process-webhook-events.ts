import { and, asc, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contacts, facebookPages, webhookEvents } from '../../db/schema/index.js';
import type { Deps } from '../../http/context.js';
import { getProfile, type MessengerProfile } from '../../channels/messenger/index.js';
import { publishConversationUpdated } from '../inbox/inbox-events.js';
import { graphSettings } from './messenger-config.js';
import { openPageToken, type PageRow } from './pages.js';
import { recordMessengerEvent, type EventContext } from './record-event.js';
import { namedSql } from './subscribers.js';
import { WEBHOOK_SOURCE, type StoredMessengerEvent } from './webhook-events.js';

const BATCH_SIZE = 100;
/** An event that keeps failing is set aside (processed, with its error) after this many tries. */
export const MAX_ATTEMPTS = 5;
const PROFILE_CONCURRENCY = 4;

interface PendingRow { id: number; dedupeKey: string; payload: StoredMessengerEvent; attempts: number }

export interface ProcessResult { processed: number; failed: number }

const personOf = (e: StoredMessengerEvent): string | undefined =>
  e.kind === 'message' || e.kind === 'postback' ? e.event.sender?.id : e.kind === 'echo' ? e.event.recipient?.id : undefined;

/**
 * Profiles for the people in a batch who have no named contact yet, fetched before the
 * transaction so no HTTP call runs while rows are locked. A refused profile just means no name.
 */
async function prefetchProfiles(deps: Deps, rows: PendingRow[], pagesByFbId: Map<string, PageRow[]>): Promise<Map<string, MessengerProfile>> {
  const profiles = new Map<string, MessengerProfile>();
  const fb = deps.config.facebook;
  if (!fb) return profiles;
  const wanted = new Map<string, { fbPageId: string; psid: string }>();
  for (const { payload } of rows) {
    const psid = personOf(payload);
    if (psid && /^\d+$/.test(psid) && pagesByFbId.has(payload.pageId)) wanted.set(`${payload.pageId}:${psid}`, { fbPageId: payload.pageId, psid });
  }
  if (!wanted.size) return profiles;
  const known = await deps.db.select({ fbPageId: contacts.messengerPageId, psid: contacts.messengerPsid, workspaceId: contacts.workspaceId }).from(contacts)
    .where(and(
      inArray(contacts.workspaceId, [...new Set([...pagesByFbId.values()].flat().map((p) => p.workspaceId))]),
      inArray(contacts.messengerPageId, [...new Set([...wanted.values()].map((w) => w.fbPageId))]),
      inArray(contacts.messengerPsid, [...new Set([...wanted.values()].map((w) => w.psid))]),
      namedSql,
    ));
  for (const [key, w] of wanted) {
    const pages = pagesByFbId.get(w.fbPageId)!;
    const everywhere = pages.every((p) => known.some((k) => k.fbPageId === w.fbPageId && k.psid === w.psid && k.workspaceId === p.workspaceId));
    if (everywhere) wanted.delete(key);
  }
  const graph = graphSettings(fb);
  const queue = [...wanted.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [key, { fbPageId, psid }] = next;
      const page = pagesByFbId.get(fbPageId)!.find((p) => p.status === 'active');
      let token: string | null = null;
      try {
        token = page ? openPageToken(deps.config.secrets, page) : null;
      } catch (err) {
        deps.log.warn({ pageId: page?.id, err: (err as Error).message }, 'page token cannot be opened');
      }
      if (!token) continue;
      const res = await getProfile(graph, token, psid);
      if (res.ok) profiles.set(key, res.data);
      else deps.log.info({ fbPageId, kind: res.kind, code: res.code }, 'Messenger profile not available; the contact stays unnamed');
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROFILE_CONCURRENCY, queue.length) }, worker));
  return profiles;
}

/** Pages events are processed for: every workspace that has the page connected (not disconnected). */
async function pagesFor(db: Db, rows: PendingRow[]): Promise<Map<string, PageRow[]>> {
  const ids = [...new Set(rows.map((r) => r.payload.pageId))];
  const pages = ids.length ? await db.select().from(facebookPages).where(and(inArray(facebookPages.pageId, ids), ne(facebookPages.status, 'disconnected'))) : [];
  const map = new Map<string, PageRow[]>();
  for (const p of pages) map.set(p.pageId, [...(map.get(p.pageId) ?? []), p]);
  return map;
}

/**
 * One round: claims a batch of unprocessed rows (FOR UPDATE SKIP LOCKED, so several workers share
 * the work), applies each in its own savepoint so one bad event does not hold back the rest,
 * and marks them processed in the same transaction.
 */
async function processBatch(deps: Deps, rows: PendingRow[]): Promise<ProcessResult> {
  const pagesByFbId = await pagesFor(deps.db, rows);
  const profiles = await prefetchProfiles(deps, rows, pagesByFbId);
  const appId = deps.config.facebook?.appId ?? null;
  const result: ProcessResult = { processed: 0, failed: 0 };
  /** Conversations that changed, announced to open inboxes once the batch has committed. */
  const touched = new Map<string, string>();
  await deps.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const locked = await t.select({ id: webhookEvents.id }).from(webhookEvents)
      .where(and(inArray(webhookEvents.id, rows.map((r) => r.id)), isNull(webhookEvents.processedAt)))
      .orderBy(asc(webhookEvents.id)).for('update', { skipLocked: true });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const done: number[] = [];
    for (const { id } of locked) {
      const row = byId.get(id)!;
      try {
        const changed: [string, string][] = [];
        await tx.transaction(async (sp) => {
          for (const page of pagesByFbId.get(row.payload.pageId) ?? []) {
            const ctx: EventContext = { page, appId, profileOf: (fbPageId, psid) => profiles.get(`${fbPageId}:${psid}`) ?? null };
            const conversationId = await recordMessengerEvent(sp as unknown as Db, ctx, row.payload, row.dedupeKey);
            if (conversationId) changed.push([conversationId, page.workspaceId]);
          }
        });
        for (const [conversationId, workspaceId] of changed) touched.set(conversationId, workspaceId);
        done.push(id);
      } catch (err) {
        result.failed++;
        const attempts = row.attempts + 1;
        deps.log.warn({ webhookEventId: id, attempts, err: (err as Error).message }, 'Messenger event failed; it will be retried');
        await t.update(webhookEvents).set({ attempts, error: (err as Error).message.slice(0, 1000), ...(attempts >= MAX_ATTEMPTS && { processedAt: new Date() }) })
          .where(eq(webhookEvents.id, id));
      }
    }
    if (done.length) {
      await t.update(webhookEvents).set({ processedAt: new Date(), attempts: sql`${webhookEvents.attempts} + 1`, error: null }).where(inArray(webhookEvents.id, done));
    }
    result.processed = done.length;
  });
  for (const [conversationId, workspaceId] of touched) await publishConversationUpdated(deps, workspaceId, conversationId);
  return result;
}

/**
 * Applies every Messenger event waiting in webhook_events (the messenger-events job). Each row is
 * looked at once per run; a failed one is retried by a later run until MAX_ATTEMPTS.
 */
export async function processPendingWebhookEvents(deps: Deps, opts: { batchSize?: number } = {}): Promise<ProcessResult> {
  const total: ProcessResult = { processed: 0, failed: 0 };
  let afterId = 0;
  for (;;) {
    const rows = (await deps.db.select({ id: webhookEvents.id, dedupeKey: webhookEvents.dedupeKey, payload: webhookEvents.payload, attempts: webhookEvents.attempts }).from(webhookEvents)
      .where(and(eq(webhookEvents.source, WEBHOOK_SOURCE), isNull(webhookEvents.processedAt), gt(webhookEvents.id, afterId)))
      .orderBy(asc(webhookEvents.id)).limit(opts.batchSize ?? BATCH_SIZE)) as unknown as PendingRow[];
    if (!rows.length) break;
    afterId = rows.at(-1)!.id;
    const r = await processBatch(deps, rows);
    total.processed += r.processed;
    total.failed += r.failed;
  }
  return total;
}

/** Processed events are kept this long: well past Facebook's redelivery period, so dedupe still holds. */
export const RETENTION_DAYS = 30;

/** Deletes processed Messenger events older than the retention, a bounded slice per call. */
export async function pruneProcessedEvents(db: Db, now = new Date(), limit = 5000): Promise<number> {
  const cutoff = new Date(now.getTime() - RETENTION_DAYS * 86_400_000).toISOString();
  const old = db.select({ id: webhookEvents.id }).from(webhookEvents)
    .where(and(eq(webhookEvents.source, WEBHOOK_SOURCE), sql`${webhookEvents.processedAt} < ${cutoff}::timestamptz`)).limit(limit);
  const deleted = await db.delete(webhookEvents).where(inArray(webhookEvents.id, old)).returning({ id: webhookEvents.id });
  return deleted.length;
}
