import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Database } from '../../db/client.js';
import type { Logger } from '../../lib/logger.js';

/**
 * Live inbox updates: "this conversation changed" (a message landed, a reply went out, someone
 * labelled, assigned or read it), per workspace. Writers call publishConversationUpdated after
 * their transaction commits; the SSE route subscribes.
 *
 * With PostgreSQL any process may write (a worker records a Messenger message, an API instance
 * serves the browser), so events travel through NOTIFY and each process keeps one dedicated
 * LISTEN connection while it has subscribers. The embedded PGlite is one process: an in-process
 * emitter is enough there.
 */

export const INBOX_NOTIFY_CHANNEL = 'ms_inbox_events';

export type InboxEvent =
  | { type: 'conversation.updated'; workspaceId: string; conversationId: string }
  /** The LISTEN connection was re-established: anything may have been missed, so refetch. */
  | { type: 'inbox.resync' };

type EventDeps = { database: Database; log: Logger };

const RESYNC = Symbol('resync');
const RECONNECT_MAX_MS = 30_000;

interface Listener {
  stop(): Promise<void>;
}

interface Hub {
  emitter: EventEmitter;
  subscribers: number;
  listener: Promise<Listener> | null;
}

const hubs = new WeakMap<Database, Hub>();

function hubFor(database: Database): Hub {
  let hub = hubs.get(database);
  if (!hub) {
    const emitter = new EventEmitter();
    // One listener per open browser tab; there is no leak to warn about.
    emitter.setMaxListeners(0);
    hub = { emitter, subscribers: 0, listener: null };
    hubs.set(database, hub);
  }
  return hub;
}

function parseNotification(payload: string | undefined): { workspaceId: string; conversationId: string } | null {
  try {
    const { w, c } = JSON.parse(payload ?? '') as { w?: unknown; c?: unknown };
    return typeof w === 'string' && typeof c === 'string' ? { workspaceId: w, conversationId: c } : null;
  } catch {
    return null;
  }
}

/**
 * One LISTEN session for this process. A dropped connection is re-opened with backoff; after a
 * reconnect subscribers get a resync, since notifications sent meanwhile are lost.
 */
async function startPgListener(database: Database, hub: Hub, log: Logger): Promise<Listener> {
  let stopped = false;
  let client: pg.Client | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let delay = 500;

  const connect = async (isReconnect: boolean): Promise<void> => {
    const c = database.dedicatedClient!();
    c.on('notification', (msg) => {
      if (msg.channel !== INBOX_NOTIFY_CHANNEL) return;
      const parsed = parseNotification(msg.payload);
      if (parsed) hub.emitter.emit(parsed.workspaceId, { type: 'conversation.updated', ...parsed } satisfies InboxEvent);
    });
    c.on('error', (err) => log.warn({ err: err.message }, 'inbox LISTEN connection failed; reconnecting'));
    c.on('end', () => {
      if (stopped || client !== c) return;
      client = null;
      scheduleReconnect();
    });
    client = c;
    await c.connect();
    await c.query(`LISTEN ${INBOX_NOTIFY_CHANNEL}`);
    delay = 500;
    if (isReconnect) hub.emitter.emit(RESYNC);
  };

  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect(true).catch((err: Error) => {
        log.warn({ err: err.message }, 'inbox LISTEN reconnect failed');
        client?.end().catch(() => {});
        client = null;
        delay = Math.min(delay * 2, RECONNECT_MAX_MS);
        scheduleReconnect();
      });
    }, delay);
    retryTimer.unref();
  };

  try {
    await connect(false);
  } catch (err) {
    stopped = true;
    await (client as pg.Client | null)?.end().catch(() => {});
    throw err;
  }
  return {
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}

/**
 * Tells every open inbox of the workspace that a conversation changed. Call it after the write
 * has committed (a listener refetches at once). Never throws: the write it reports already
 * happened, and a missed live update only means a slower refresh.
 */
export async function publishConversationUpdated(deps: EventDeps, workspaceId: string, conversationId: string): Promise<void> {
  try {
    if (deps.database.kind === 'postgres') {
      await deps.database.sql.query('SELECT pg_notify($1, $2)', [INBOX_NOTIFY_CHANNEL, JSON.stringify({ w: workspaceId, c: conversationId })]);
    } else {
      hubFor(deps.database).emitter.emit(workspaceId, { type: 'conversation.updated', workspaceId, conversationId } satisfies InboxEvent);
    }
  } catch (err) {
    deps.log.warn({ workspaceId, conversationId, err: (err as Error).message }, 'could not publish an inbox update');
  }
}

/**
 * Receives the workspace's inbox events until the returned function is called. Resolves once
 * the subscription is live, so anything published afterwards is delivered.
 */
export async function subscribeInboxEvents(deps: EventDeps, workspaceId: string, onEvent: (event: InboxEvent) => void): Promise<() => Promise<void>> {
  const hub = hubFor(deps.database);
  const onUpdate = (event: InboxEvent) => onEvent(event);
  const onResync = () => onEvent({ type: 'inbox.resync' });
  hub.emitter.on(workspaceId, onUpdate);
  hub.emitter.on(RESYNC, onResync);
  hub.subscribers++;
  let done = false;
  const unsubscribe = async () => {
    if (done) return;
    done = true;
    hub.emitter.off(workspaceId, onUpdate);
    hub.emitter.off(RESYNC, onResync);
    hub.subscribers--;
    if (hub.subscribers === 0 && hub.listener) {
      const listener = hub.listener;
      hub.listener = null;
      await listener.then((l) => l.stop(), () => {});
    }
  };
  if (deps.database.kind === 'postgres') {
    hub.listener ??= startPgListener(deps.database, hub, deps.log);
    const listener = hub.listener;
    try {
      await listener;
    } catch (err) {
      if (hub.listener === listener) hub.listener = null;
      await unsubscribe();
      throw err;
    }
  }
  return unsubscribe;
}
