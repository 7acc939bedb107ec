import { sql } from 'drizzle-orm';
import type { Registry } from 'prom-client';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/sql-helpers.js';
import { cachedGauge } from '../lib/metrics.js';
import { senderAccounts } from '../db/schema/index.js';
import { todayLimit, utcDay } from './sender-capacity.js';

/** Scrapes of several API instances within this window share one query each. */
const TTL_MS = 10_000;

/**
 * The engine's state as gauges read from the database at scrape time, so any API instance
 * reports the same numbers whichever worker did the sending. Each query is index-only work:
 * the partial indexes on scheduled and in-flight messages, and today's send counters.
 */
export function registerEngineGauges(registry: Registry, db: Db, opts: { ttlMs?: number } = {}) {
  const ttlMs = opts.ttlMs ?? TTL_MS;
  cachedGauge({
    registry,
    name: 'messagesender_engine_queue_depth',
    help: 'Messages waiting: due now (state="due"), scheduled for later ("later"), being sent ("sending")',
    labelNames: ['state'] as const,
    ttlMs,
    read: async () => {
      const [row] = await queryRows<{ due: number; later: number; sending: number }>(db, sql`
        SELECT (SELECT count(*) FROM messages WHERE status = 'scheduled' AND send_at <= now())::int AS due,
               (SELECT count(*) FROM messages WHERE status = 'scheduled' AND send_at > now())::int AS later,
               (SELECT count(*) FROM messages WHERE status = 'sending')::int AS sending`);
      return (['due', 'later', 'sending'] as const).map((state) => ({ labels: { state }, value: Number(row?.[state] ?? 0) }));
    },
  });

  cachedGauge({
    registry,
    name: 'messagesender_engine_oldest_due_seconds',
    help: 'Age of the oldest message that is due and not yet claimed (0 when none): a growing value means the workers fall behind',
    labelNames: [] as const,
    ttlMs,
    read: async () => {
      const [row] = await queryRows<{ age: number | null }>(db, sql`
        SELECT extract(epoch FROM now() - min(send_at))::float8 AS age FROM messages WHERE status = 'scheduled' AND send_at <= now()`);
      return [{ labels: {}, value: Math.max(0, Number(row?.age ?? 0)) }];
    },
  });

  // Per sending account: sent today (UTC day, the counters the caps are held by) and today's limit.
  let accounts: { at: number; rows: { id: string; kind: string; sent: number; limit: number }[] } | null = null;
  const readAccounts = async () => {
    if (accounts && Date.now() - accounts.at < ttlMs) return accounts.rows;
    const now = new Date();
    const senders = await db.select().from(senderAccounts);
    const counters = await queryRows<{ key: string; count: number }>(db, sql`
      SELECT key, count FROM send_counters WHERE day = ${utcDay(now)}::date AND key LIKE 'sender:%'`);
    const sent = new Map(counters.map((c) => [c.key.slice('sender:'.length), Number(c.count)]));
    const rows = senders.map((s) => ({ id: s.id, kind: s.kind, sent: sent.get(s.id) ?? 0, limit: Math.min(todayLimit(s, now), Number.MAX_SAFE_INTEGER) }));
    accounts = { at: Date.now(), rows };
    return rows;
  };
  cachedGauge({
    registry,
    name: 'messagesender_sender_sends_today',
    help: 'Messages each sending account sent (or has in flight) today, UTC',
    labelNames: ['sender_id', 'kind'] as const,
    ttlMs: 0,
    read: async () => (await readAccounts()).map((a) => ({ labels: { sender_id: a.id, kind: a.kind }, value: a.sent })),
  });
  cachedGauge({
    registry,
    name: 'messagesender_sender_daily_limit',
    help: 'What each sending account may send today: its cap, warm-up ramp and provider limit',
    labelNames: ['sender_id', 'kind'] as const,
    ttlMs: 0,
    read: async () => (await readAccounts()).map((a) => ({ labels: { sender_id: a.id, kind: a.kind }, value: a.limit })),
  });
}
