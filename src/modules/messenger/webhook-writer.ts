import type { SqlClient } from '../../db/client.js';
import { messagingEvents, WEBHOOK_SOURCE } from './webhook-events.js';

/**
 * One statement text whatever the batch size: the events travel as one JSON array parameter
 * (serialising it is the one JSON.stringify a payload needs anyway), so building the query costs
 * nothing per event and PostgreSQL sees the same statement each time.
 */
const INSERT_EVENTS = `
  INSERT INTO webhook_events (source, dedupe_key, payload)
  SELECT $1, e->>'k', e->'p' FROM jsonb_array_elements($2::jsonb) AS e
  ON CONFLICT (source, dedupe_key) DO NOTHING
  RETURNING dedupe_key`;

interface Waiting {
  keys: string[];
  rows: Map<string, Record<string, unknown>>;
  resolve(r: { events: number; stored: number }): void;
  reject(err: unknown): void;
}

/** Deliveries per INSERT, at most (Facebook sends up to 1,000 events a delivery, usually one). */
const MAX_BATCH_EVENTS = 1000;
/** INSERTs in flight at once; more deliveries wait for the next one. */
const MAX_IN_FLIGHT = 2;
/**
 * A second INSERT starts beside a running one only for at least this many waiting deliveries:
 * each statement costs the database ~0.2 ms of CPU whatever its size, so small batches in
 * parallel cost more than they save in latency.
 */
const PARALLEL_FROM = 32;

/**
 * Stores verified webhook deliveries before they are acknowledged, committing many deliveries in
 * one INSERT ("group commit"): while one INSERT runs, the deliveries arriving meanwhile queue up
 * and go together in the next. Alone, a delivery is written at once (no added wait); under load,
 * one commit — the costly part, a WAL flush — covers dozens of them. Each delivery's promise
 * settles only after the statement holding its events has committed, so the 200 still means
 * "stored". A redelivered event (same key) is stored once; within one batch, the first delivery
 * naming a key owns it. A failed INSERT fails every delivery in it (Facebook delivers them again).
 */
export function createWebhookWriter(sql: Pick<SqlClient, 'query'>) {
  let queue: Waiting[] = [];
  let inFlight = 0;

  async function flush(): Promise<void> {
    if (inFlight >= MAX_IN_FLIGHT || !queue.length || (inFlight > 0 && queue.length < PARALLEL_FROM)) return;
    let size = 0;
    let n = 0;
    while (n < queue.length && (n === 0 || size + queue[n]!.rows.size <= MAX_BATCH_EVENTS)) size += queue[n++]!.rows.size;
    const batch = queue.slice(0, n);
    queue = queue.slice(n);
    inFlight++;
    try {
      const owner = new Map<string, Waiting>();
      for (const w of batch) for (const key of w.rows.keys()) if (!owner.has(key)) owner.set(key, w);
      const events = JSON.stringify([...owner].map(([k, w]) => ({ k, p: w.rows.get(k) })));
      const { rows: inserted } = await sql.query<{ dedupe_key: string }>(INSERT_EVENTS, [WEBHOOK_SOURCE, events], 'webhook_events_insert');
      const stored = new Map<Waiting, number>();
      for (const { dedupe_key: key } of inserted) {
        const w = owner.get(key)!;
        stored.set(w, (stored.get(w) ?? 0) + 1);
      }
      for (const w of batch) w.resolve({ events: w.keys.length, stored: stored.get(w) ?? 0 });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      inFlight--;
      void flush();
    }
  }

  return {
    /** Persists a delivery's messaging events; resolves once they are committed, with how many were new. */
    store(payload: unknown): Promise<{ events: number; stored: number }> {
      const events = messagingEvents(payload);
      if (!events.length) return Promise.resolve({ events: 0, stored: 0 });
      const rows = new Map(events.map((e) => [e.dedupeKey, e.data as unknown as Record<string, unknown>]));
      return new Promise((resolve, reject) => {
        queue.push({ keys: events.map((e) => e.dedupeKey), rows, resolve, reject });
        void flush();
      });
    },
  };
}
