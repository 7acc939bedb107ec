import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { engineName } from '../../../test/helpers/db.js';
import { messengerEnv, postWebhook } from '../../../test/helpers/messenger.js';
import { fakeMid, startFakeFacebook, type FakeFacebook } from '../../../test/fakes/facebook.js';

let t: TestApp;
let fb: FakeFacebook;
const PAGE = '550000000000001';

beforeAll(async () => {
  fb = await startFakeFacebook();
  t = await createTestApp({ env: messengerEnv(fb) });
});
afterAll(async () => {
  await t?.close();
  await fb?.close();
});

const message = (mid: string, i: number) => fb.webhookPayload([{ pageId: PAGE, events: [{ sender: { id: `9${i}` }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid, text: `hello ${i}` } }] }]);
const storedMids = async (mids: string[]) => (await t.deps.database.sql.query<{ dedupe_key: string }>(
  "SELECT dedupe_key FROM webhook_events WHERE source = 'facebook' AND dedupe_key = ANY($1::text[])", [mids])).rows.map((r) => r.dedupe_key);

describe(`Webhook deliveries committed together (${engineName})`, () => {
  it('a burst of concurrent deliveries: each 200 comes after its event is stored; redeliveries inside the burst are stored once', async () => {
    const mids = Array.from({ length: 40 }, (_, i) => fakeMid(`burst-${i}`));
    // 60 deliveries at once: every mid once, and 20 of them a second time.
    const deliveries = [...mids.map((mid, i) => ({ mid, i })), ...mids.slice(0, 20).map((mid, i) => ({ mid, i }))];
    const answers = await Promise.all(deliveries.map(async ({ mid, i }) => {
      const res = await postWebhook(t.app, fb, message(mid, i));
      // Acknowledged means committed: the row is there the moment the 200 arrives.
      return { status: res.statusCode, body: res.body, present: (await storedMids([mid])).length };
    }));
    expect(answers.every((a) => a.status === 200 && a.body === 'EVENT_RECEIVED' && a.present === 1)).toBe(true);
    expect((await storedMids(mids)).sort()).toEqual([...mids].sort());
    const [row] = (await t.deps.database.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_events WHERE dedupe_key = ANY($1::text[])", [mids])).rows;
    expect(row!.n).toBe(40);
  });

  it('a delivery with nothing to store is acknowledged without a write', async () => {
    const res = await postWebhook(t.app, fb, { object: 'page', entry: [{ id: PAGE, time: Date.now(), changes: [{ field: 'feed' }] }] });
    expect(res.statusCode).toBe(200);
  });
});
