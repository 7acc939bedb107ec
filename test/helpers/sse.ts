import type { FastifyInstance } from 'fastify';
import { get as httpGet, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { TestClient } from './client.js';

export interface SseEvent {
  event: string;
  data: string;
}

export interface EventStream {
  status: number;
  headers: IncomingHttpHeaders;
  events: SseEvent[];
  comments: string[];
  /** Resolves with the first event (already received or coming) that matches. */
  next(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** The listening address of the app (started on a free port on first use). */
export async function baseUrlOf(app: FastifyInstance): Promise<string> {
  const address = app.server.address();
  if (address && typeof address === 'object') return `http://127.0.0.1:${address.port}`;
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/**
 * Opens a Server-Sent Events stream over real HTTP the way EventSource does (the client's
 * cookies, Accept: text/event-stream) and parses frames as they arrive.
 */
export async function openEventStream(app: FastifyInstance, client: TestClient, path: string): Promise<EventStream> {
  const base = await baseUrlOf(app);
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (client.cookies.size) headers.cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  if (client.apiKey) headers.authorization = `Bearer ${client.apiKey}`;
  // node:http rather than fetch: destroying the request closes the socket at once, as a closed tab does.
  const { req, res } = await new Promise<{ req: ClientRequest; res: IncomingMessage }>((resolve, reject) => {
    const r = httpGet(base + path, { headers }, (response) => resolve({ req: r, res: response }));
    r.on('error', reject);
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];

  const dispatch = (frame: string) => {
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trim());
    }
    if (!data.length) return;
    const e = { event, data: data.join('\n') };
    events.push(e);
    for (const w of [...waiters]) {
      if (w.match(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  };

  let buffer = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let i: number;
    while ((i = buffer.indexOf('\n\n')) >= 0) {
      dispatch(buffer.slice(0, i));
      buffer = buffer.slice(i + 2);
    }
  });
  res.on('error', () => {});

  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    events,
    comments,
    next(match, timeoutMs = 10_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`)), timeoutMs);
        waiters.push({ match, resolve: (e) => { clearTimeout(timer); resolve(e); } });
      });
    },
    close: () => req.destroy(),
  };
}
