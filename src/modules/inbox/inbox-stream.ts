import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { Deps } from '../../http/context.js';
import { subscribeInboxEvents, type InboxEvent } from './inbox-events.js';

/** A comment line this often keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;
/**
 * A stream ends after this long and the browser reconnects (EventSource does so by itself):
 * the session is checked again then, so a logout or an expired session stops the updates.
 */
export const STREAM_MAX_AGE_MS = 5 * 60_000;
/** How long the browser waits before reconnecting after the stream ends. */
const RETRY_MS = 3000;

function frame(event: InboxEvent): string {
  if (event.type === 'inbox.resync') return 'event: inbox.resync\ndata: {}\n\n';
  return `event: conversation.updated\ndata: ${JSON.stringify({ conversationId: event.conversationId })}\n\n`;
}

/**
 * The open event streams of one app; closing the app ends them (an open response would
 * otherwise hold the server's close forever).
 */
export function createInboxStreams(deps: Pick<Deps, 'database' | 'log'>, opts: { heartbeatMs?: number; maxAgeMs?: number } = {}) {
  const open = new Set<() => void>();
  return {
    get size() {
      return open.size;
    },
    /** Server-Sent Events for one workspace: `ready` once subscribed, then `conversation.updated` per change. */
    async serve(reply: FastifyReply, workspaceId: string) {
      const stream = new PassThrough();
      let ended = false;
      const write = (chunk: string) => {
        if (!ended) stream.write(chunk);
      };
      const unsubscribe = await subscribeInboxEvents(deps, workspaceId, (event) => write(frame(event)));
      const heartbeat = setInterval(() => write(': heartbeat\n\n'), opts.heartbeatMs ?? HEARTBEAT_MS);
      const maxAge = setTimeout(() => end(), opts.maxAgeMs ?? STREAM_MAX_AGE_MS);
      heartbeat.unref();
      maxAge.unref();
      const end = () => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        clearTimeout(maxAge);
        open.delete(end);
        stream.end();
        unsubscribe().catch((err: Error) => deps.log.warn({ err: err.message }, 'inbox stream unsubscribe failed'));
      };
      open.add(end);
      // The browser went away (tab closed, navigation, network): stop listening for it.
      reply.raw.on('close', end);
      write(`retry: ${RETRY_MS}\nevent: ready\ndata: {}\n\n`);
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        // nginx would otherwise buffer the stream and deliver events late.
        .header('x-accel-buffering', 'no')
        .send(stream);
    },
    closeAll() {
      for (const end of [...open]) end();
    },
  };
}
