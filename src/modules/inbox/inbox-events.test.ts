import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { openEventStream } from '../../../test/helpers/sse.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { publishConversationUpdated, subscribeInboxEvents, type InboxEvent } from './inbox-events.js';
import { createInboxStreams } from './inbox-stream.js';

let t: TestApp;
const W1 = '11111111-1111-4111-8111-111111111111';
const W2 = '22222222-2222-4222-8222-222222222222';
const C1 = '33333333-3333-4333-8333-333333333333';

const listeners = async () => (await t.deps.database.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'messagesender-listen' AND datname = current_database()`)).rows[0]!.n;

beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe(`inbox events (${engineName})`, () => {
  it("delivers a workspace's updates to its subscribers only", async () => {
    const got1: InboxEvent[] = [];
    const got2: InboxEvent[] = [];
    const off1 = await subscribeInboxEvents(t.deps, W1, (e) => got1.push(e));
    const off2 = await subscribeInboxEvents(t.deps, W2, (e) => got2.push(e));
    await publishConversationUpdated(t.deps, W1, C1);
    await waitFor(() => got1.length === 1, 'the W1 update');
    expect(got1).toEqual([{ type: 'conversation.updated', workspaceId: W1, conversationId: C1 }]);
    await off1();
    await publishConversationUpdated(t.deps, W1, C1);
    await publishConversationUpdated(t.deps, W2, C1);
    await waitFor(() => got2.length === 1, 'the W2 update');
    expect(got1).toHaveLength(1);
    await off2();
  });

  it.runIf(engineName === 'postgres')('keeps one LISTEN connection while anyone listens, and closes it after the last one leaves', async () => {
    const offs = await Promise.all([W1, W1, W2].map((w) => subscribeInboxEvents(t.deps, w, () => {})));
    expect(await listeners()).toBe(1);
    for (const off of offs) await off();
    await waitFor(async () => (await listeners()) === 0, 'the LISTEN connection to close');
  });

  it.runIf(engineName === 'postgres')('a dropped LISTEN connection comes back and tells subscribers to resync', async () => {
    const got: InboxEvent[] = [];
    const off = await subscribeInboxEvents(t.deps, W1, (e) => got.push(e));
    await t.deps.database.sql.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'messagesender-listen' AND datname = current_database()`);
    await waitFor(() => got.some((e) => e.type === 'inbox.resync'), 'a resync', 10_000);
    await publishConversationUpdated(t.deps, W1, C1);
    await waitFor(() => got.some((e) => e.type === 'conversation.updated'), 'an update after the reconnect');
    await off();
  });
});

describe(`the event stream (${engineName})`, () => {
  it('needs a session or API key, and a workspace the caller belongs to', async () => {
    const anonymous = new TestClient(t.app);
    expect((await anonymous.get('/api/v1/inbox/events')).status).toBe(401);
    const member = new TestClient(t.app);
    await member.signup();
    const stranger = await openEventStream(t.app, member, `/api/v1/inbox/events?workspaceId=${W1}`);
    expect(stranger.status).toBe(404);
    stranger.close();
  });

  it('sends heartbeat comments, ends after its maximum age, and stops listening when the client goes', async () => {
    const app = Fastify();
    const streams = createInboxStreams(t.deps, { heartbeatMs: 50, maxAgeMs: 400 });
    app.get('/events', (_request, reply) => streams.serve(reply, W1));
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`${base}/events`);
      const text = await res.text();
      expect(text.startsWith('retry: 3000\nevent: ready\ndata: {}\n\n')).toBe(true);
      expect(text.match(/^: heartbeat$/gm)!.length).toBeGreaterThanOrEqual(3);
      expect(streams.size).toBe(0);

      const client = new TestClient(t.app);
      const open = await openEventStream(app, client, '/events');
      expect(open.status).toBe(200);
      await waitFor(() => streams.size === 1, 'the stream to open');
      open.close();
      await waitFor(() => streams.size === 0, 'the stream to close');
    } finally {
      streams.closeAll();
      await app.close();
    }
  });
});
