import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { decorateBody } from './decorate-body.js';
import { PIXEL_GIF } from './routes.js';
import { signTrackingToken, trackingKeys, type TrackingKeys } from './tokens.js';

let t: TestApp;
let keys: TrackingKeys;
let workspaceId: string;
const HUMAN = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 Safari/537.36';
/** Apple Mail Privacy Protection's relays fetch every image on delivery with a bare agent. */
const APPLE_MPP = 'Mozilla/5.0';

beforeAll(async () => {
  t = await createTestApp();
  keys = trackingKeys(t.deps.config.secrets);
  const owner = new TestClient(t.app);
  const s = await owner.signup();
  workspaceId = s.workspace.id;
  await sql(`UPDATE workspaces SET name = 'Acme Outreach', postal_address = 'Acme Inc., 1 Main St' WHERE id = $1`, [workspaceId]);
});
afterAll(() => t?.close());

async function sql<T = Record<string, any>>(text: string, params: unknown[] = []) {
  return (await t.deps.database.sql.query<T>(text, params)).rows;
}

let seq = 0;
/**
 * A contact in a running campaign with step 1 sent (an hour ago, unless said otherwise) and
 * step 2 scheduled; step 1's body is decorated and its links stored the way the engine does.
 */
async function sentMessage(opts: { email?: string; status?: string; stopOnClick?: boolean; sentAt?: Date | null; contactId?: string } = {}) {
  const n = ++seq;
  const email = opts.email ?? `jane${n}@example.com`;
  const contactId = opts.contactId ?? (await sql(`INSERT INTO contacts (workspace_id, email, first_name, status) VALUES ($1, $2, 'Jane', $3) RETURNING id`, [workspaceId, email, opts.status ?? 'active']))[0]!.id;
  const [campaign] = await sql(`INSERT INTO campaigns (workspace_id, name, status, stop_on_click) VALUES ($1, $2, 'running', $3) RETURNING id`, [workspaceId, `Campaign ${n}`, opts.stopOnClick ?? false]);
  const [enrollment] = await sql(`INSERT INTO enrollments (workspace_id, campaign_id, contact_id, last_step) VALUES ($1, $2, $3, 1) RETURNING id`, [workspaceId, campaign!.id, contactId]);
  const sentAt = opts.sentAt === undefined ? new Date(Date.now() - 3600_000) : opts.sentAt;
  const [message] = await sql(`INSERT INTO messages (workspace_id, campaign_id, enrollment_id, contact_id, step_position, status, send_at, sent_at, to_email)
    VALUES ($1, $2, $3, $4, 1, $5, now() - interval '1 hour', $6, $7) RETURNING id`, [workspaceId, campaign!.id, enrollment!.id, contactId, sentAt ? 'sent' : 'sending', sentAt, email]);
  const [followUp] = await sql(`INSERT INTO messages (workspace_id, campaign_id, enrollment_id, contact_id, step_position, status, send_at)
    VALUES ($1, $2, $3, $4, 2, 'scheduled', now() + interval '2 days') RETURNING id`, [workspaceId, campaign!.id, enrollment!.id, contactId]);
  const body = decorateBody({
    text: 'Hi Jane, see https://acme.dev/pricing',
    html: '<p>Hi Jane, see <a href="https://acme.dev/pricing">pricing</a> or <a href="https://acme.dev/demo?a=1&amp;b=2">book a demo</a></p>',
    messageId: message!.id, keys, baseUrl: 'https://track.acme.dev', trackClicks: true, trackOpens: true,
    postalAddress: 'Acme Inc., 1 Main St', unsubscribeMailto: 'sender@acme.dev',
  });
  for (const l of body.links) await sql(`INSERT INTO message_links (message_id, position, url) VALUES ($1, $2, $3)`, [message!.id, l.position, l.url]);
  const path = (url: string) => new URL(url).pathname;
  return {
    email, contactId, campaignId: campaign!.id as string, enrollmentId: enrollment!.id as string, messageId: message!.id as string, followUpId: followUp!.id as string,
    unsubscribePath: path(body.unsubscribeUrl),
    openPath: path(/<img src="([^"]+)"/.exec(body.html!)![1]!),
    clickPaths: [...body.html!.matchAll(/href="(https:\/\/track\.acme\.dev\/t\/c\/[^"]+)"/g)].map((m) => path(m[1]!)),
  };
}

const request = (method: 'GET' | 'POST' | 'HEAD', url: string, opts: { headers?: Record<string, string>; payload?: string } = {}) =>
  t.app.inject({ method, url, headers: { host: 'track.acme.dev', ...opts.headers }, payload: opts.payload, remoteAddress: `10.9.${seq % 250}.${Math.floor(Math.random() * 250)}` });

async function contactState(contactId: string, messageId: string) {
  const [contact] = await sql(`SELECT status, email FROM contacts WHERE id = $1`, [contactId]);
  const suppressions = await sql(`SELECT kind, value, reason FROM suppressions WHERE workspace_id = $1 AND value = $2`, [workspaceId, contact!.email]);
  const events = await sql(`SELECT type, campaign_id, message_id, channel FROM contact_events WHERE contact_id = $1 ORDER BY id`, [contactId]);
  const [enrollmentState] = await sql(`SELECT e.status, e.stop_reason FROM enrollments e JOIN messages m ON m.enrollment_id = e.id WHERE m.id = $1`, [messageId]);
  return { status: contact!.status, suppressions, events, enrollment: enrollmentState! };
}

describe(`unsubscribe (${engineName})`, () => {
  it('GET shows a confirmation page with the masked address and changes nothing', async () => {
    const m = await sentMessage({ email: 'jane.doe@example.com' });
    const res = await request('GET', m.unsubscribePath);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('Unsubscribe j***@example.com from Acme Outreach emails?');
    expect(res.body).not.toContain('jane.doe@example.com');
    expect(res.body).toMatch(/<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe<\/button><\/form>/);
    // A HEAD from a link scanner changes nothing either.
    expect((await request('HEAD', m.unsubscribePath)).statusCode).toBe(200);
    const state = await contactState(m.contactId, m.messageId);
    expect(state).toEqual({ status: 'active', suppressions: [], events: [], enrollment: { status: 'active', stop_reason: null } });
  });

  it('POST List-Unsubscribe=One-Click unsubscribes at once: status, suppression, event, every campaign stopped; twice is fine', async () => {
    const m = await sentMessage();
    const other = await sentMessage({ contactId: m.contactId, email: m.email });
    const oneClick = () => request('POST', m.unsubscribePath, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    const res = await oneClick();
    expect(res.statusCode).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('You are unsubscribed');

    const state = await contactState(m.contactId, m.messageId);
    expect(state.status).toBe('unsubscribed');
    expect(state.suppressions).toEqual([{ kind: 'email', value: m.email, reason: 'unsubscribe' }]);
    expect(state.events).toEqual([{ type: 'unsubscribed', campaign_id: m.campaignId, message_id: m.messageId, channel: 'email' }]);
    expect(state.enrollment).toEqual({ status: 'stopped', stop_reason: 'unsubscribed' });
    const followUps = await sql(`SELECT status, reason FROM messages WHERE id IN ($1, $2)`, [m.followUpId, other.followUpId]);
    expect(followUps).toEqual([{ status: 'skipped', reason: 'unsubscribed' }, { status: 'skipped', reason: 'unsubscribed' }]);
    expect((await contactState(m.contactId, other.messageId)).enrollment).toEqual({ status: 'stopped', stop_reason: 'unsubscribed' });

    const again = await oneClick();
    expect(again.statusCode).toBe(200);
    expect(await contactState(m.contactId, m.messageId)).toEqual(state);
  });

  it('works from the confirmation page of a browser signed in to the app (no CSRF token) and with a multipart body', async () => {
    const m = await sentMessage();
    const browser = new TestClient(t.app);
    await browser.signup();
    expect(browser.cookies.size).toBeGreaterThan(0);
    const res = await browser.request('POST', m.unsubscribePath, { csrf: false, rawBody: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://track.acme.dev' } });
    expect(res.status).toBe(200);
    expect((await contactState(m.contactId, m.messageId)).status).toBe('unsubscribed');

    const n = await sentMessage();
    const boundary = 'xyz';
    const multipart = await request('POST', n.unsubscribePath, {
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(multipart.statusCode).toBe(200);
    expect((await contactState(n.contactId, n.messageId)).status).toBe('unsubscribed');
  });

  it('records one unsubscribe when several one-click requests arrive at once', async () => {
    const m = await sentMessage();
    const results = await Promise.all(Array.from({ length: 5 }, () => request('POST', m.unsubscribePath, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const state = await contactState(m.contactId, m.messageId);
    expect(state.events).toHaveLength(1);
    expect(state.suppressions).toHaveLength(1);
  });

  it('keeps a bounced contact bounced and still stops its sequences', async () => {
    const m = await sentMessage({ status: 'bounced' });
    expect((await request('POST', m.unsubscribePath)).statusCode).toBe(200);
    const state = await contactState(m.contactId, m.messageId);
    expect(state.status).toBe('bounced');
    expect(state.enrollment.status).toBe('stopped');
  });

  it('answers a forged, truncated or wrong-kind token with a 404 page and changes nothing', async () => {
    const m = await sentMessage();
    const token = m.unsubscribePath.split('/').pop()!;
    const forged = `/u/${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    const wrongKind = `/u/${m.openPath.split('/').pop()}`;
    const unknownMessage = `/u/${signTrackingToken(keys, { kind: 'u', messageId: randomUUID() })}`;
    for (const path of [forged, wrongKind, unknownMessage, '/u/x', `/u/${token}extra`]) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await request(method, path, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: method === 'POST' ? 'List-Unsubscribe=One-Click' : undefined });
        expect(res.statusCode, `${method} ${path}`).toBe(404);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.body).toContain('This link is not valid');
      }
    }
    expect((await contactState(m.contactId, m.messageId)).status).toBe('active');
  });
});

describe(`click redirect (${engineName})`, () => {
  it('redirects to the stored URL, records the click and one clicked event per message', async () => {
    const m = await sentMessage();
    expect(m.clickPaths).toHaveLength(2);
    const first = await request('GET', m.clickPaths[1]!, { headers: { 'user-agent': HUMAN } });
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe('https://acme.dev/demo?a=1&b=2');
    expect(first.headers['cache-control']).toContain('no-store');
    const second = await request('GET', m.clickPaths[0]!, { headers: { 'user-agent': HUMAN } });
    expect(second.headers.location).toBe('https://acme.dev/pricing');

    const clicks = await sql(`SELECT kind, link_position, automated, user_agent FROM tracking_events WHERE message_id = $1 ORDER BY id`, [m.messageId]);
    expect(clicks).toEqual([
      { kind: 'click', link_position: 1, automated: false, user_agent: HUMAN },
      { kind: 'click', link_position: 0, automated: false, user_agent: HUMAN },
    ]);
    const events = await sql(`SELECT type, campaign_id, message_id, metadata FROM contact_events WHERE contact_id = $1`, [m.contactId]);
    expect(events).toEqual([{ type: 'clicked', campaign_id: m.campaignId, message_id: m.messageId, metadata: { url: 'https://acme.dev/demo?a=1&b=2', position: 1 } }]);
    // Without stop-on-click the sequence goes on.
    expect((await contactState(m.contactId, m.messageId)).enrollment.status).toBe('active');
  });

  it('refuses a position not stored with the message, a forged token and a token of another kind', async () => {
    const m = await sentMessage();
    const token = m.clickPaths[0]!.split('/').pop()!;
    const raw = Buffer.from(token, 'base64url');
    raw.writeUInt16BE(1, 16);
    const paths = [
      `/t/c/${signTrackingToken(keys, { kind: 'c', messageId: m.messageId, position: 7 })}`,
      `/t/c/${raw.toString('base64url')}`,
      `/t/c/${m.unsubscribePath.split('/').pop()}`,
      `/t/c/${signTrackingToken(keys, { kind: 'c', messageId: randomUUID(), position: 0 })}`,
      '/t/c/aHR0cHM6Ly9ldmlsLmV4YW1wbGU',
      `/t/c/${token}?url=https://evil.example`,
    ];
    for (const path of paths) {
      const res = await request('GET', path, { headers: { 'user-agent': HUMAN } });
      if (path.includes('?url=')) {
        // A valid token ignores anything else in the request: it goes to the stored URL only.
        expect(res.headers.location).toBe('https://acme.dev/pricing');
        continue;
      }
      expect(res.statusCode, path).toBe(404);
      expect(res.headers.location).toBeUndefined();
    }
    const recorded = await sql(`SELECT count(*)::int AS n FROM tracking_events WHERE message_id = $1`, [m.messageId]);
    expect(recorded[0]!.n).toBe(1);
  });

  it('flags scanner clicks, which neither count as a click of the contact nor stop the sequence', async () => {
    const m = await sentMessage({ stopOnClick: true });
    for (const ua of ['Barracuda Sentinel (EE)', 'Mimecast URL Protect']) {
      const res = await request('GET', m.clickPaths[0]!, { headers: { 'user-agent': ua } });
      expect(res.statusCode).toBe(302);
    }
    const head = await request('HEAD', m.clickPaths[0]!, { headers: { 'user-agent': HUMAN } });
    expect(head.statusCode).toBe(302);
    const rows = await sql(`SELECT automated, metadata->>'automatedReason' AS reason FROM tracking_events WHERE message_id = $1 ORDER BY id`, [m.messageId]);
    expect(rows).toEqual([
      { automated: true, reason: 'security-scanner' },
      { automated: true, reason: 'security-scanner' },
      { automated: true, reason: 'head-request' },
    ]);
    expect(await sql(`SELECT id FROM contact_events WHERE contact_id = $1`, [m.contactId])).toEqual([]);
    expect((await contactState(m.contactId, m.messageId)).enrollment.status).toBe('active');
  });

  it('stops the enrollment in that campaign only when the campaign stops on click', async () => {
    const m = await sentMessage({ stopOnClick: true });
    const elsewhere = await sentMessage({ contactId: m.contactId, email: m.email });
    expect((await request('GET', m.clickPaths[0]!, { headers: { 'user-agent': HUMAN } })).statusCode).toBe(302);
    expect((await contactState(m.contactId, m.messageId)).enrollment).toEqual({ status: 'stopped', stop_reason: 'clicked' });
    expect((await sql(`SELECT status FROM messages WHERE id = $1`, [m.followUpId]))[0]!.status).toBe('skipped');
    expect((await contactState(m.contactId, elsewhere.messageId)).enrollment.status).toBe('active');
  });
});

describe(`open pixel (${engineName})`, () => {
  const expectGif = (res: Awaited<ReturnType<typeof request>>) => {
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.rawPayload.equals(PIXEL_GIF)).toBe(true);
    expect(res.rawPayload.length).toBe(43);
  };

  it('flags an Apple Mail Privacy Protection prefetch as automated and creates no opened event; a person opening creates one, once', async () => {
    const m = await sentMessage();
    expectGif(await request('GET', m.openPath, { headers: { 'user-agent': APPLE_MPP } }));
    let rows = await sql(`SELECT kind, automated, metadata->>'automatedReason' AS reason FROM tracking_events WHERE message_id = $1`, [m.messageId]);
    expect(rows).toEqual([{ kind: 'open', automated: true, reason: 'apple-privacy-proxy' }]);
    expect(await sql(`SELECT id FROM contact_events WHERE contact_id = $1`, [m.contactId])).toEqual([]);

    expectGif(await request('GET', m.openPath, { headers: { 'user-agent': HUMAN } }));
    expectGif(await request('GET', m.openPath, { headers: { 'user-agent': HUMAN } }));
    rows = await sql(`SELECT automated FROM tracking_events WHERE message_id = $1 ORDER BY id`, [m.messageId]);
    expect(rows.map((r) => r.automated)).toEqual([true, false, false]);
    expect(await sql(`SELECT type, campaign_id, message_id FROM contact_events WHERE contact_id = $1`, [m.contactId]))
      .toEqual([{ type: 'opened', campaign_id: m.campaignId, message_id: m.messageId }]);
  });

  it('creates one opened event when several human opens arrive at once', async () => {
    const m = await sentMessage();
    await Promise.all(Array.from({ length: 5 }, () => request('GET', m.openPath, { headers: { 'user-agent': HUMAN } })));
    expect((await sql(`SELECT count(*)::int AS n FROM tracking_events WHERE message_id = $1`, [m.messageId]))[0]!.n).toBe(5);
    expect(await sql(`SELECT type FROM contact_events WHERE contact_id = $1`, [m.contactId])).toEqual([{ type: 'opened' }]);
  });

  it('flags opens within 2 seconds of sending and before the send is recorded', async () => {
    const fresh = await sentMessage({ sentAt: new Date() });
    expectGif(await request('GET', fresh.openPath, { headers: { 'user-agent': HUMAN } }));
    const inFlight = await sentMessage({ sentAt: null });
    expectGif(await request('GET', inFlight.openPath, { headers: { 'user-agent': HUMAN } }));
    const rows = await sql(`SELECT metadata->>'automatedReason' AS reason FROM tracking_events WHERE message_id IN ($1, $2) ORDER BY id`, [fresh.messageId, inFlight.messageId]);
    expect(rows).toEqual([{ reason: 'too-soon-after-send' }, { reason: 'before-sent' }]);
    expect(await sql(`SELECT id FROM contact_events WHERE contact_id IN ($1, $2)`, [fresh.contactId, inFlight.contactId])).toEqual([]);
  });

  it('answers a bad token with the same GIF and records nothing', async () => {
    const m = await sentMessage();
    const before = (await sql(`SELECT count(*)::int AS n FROM tracking_events`))[0]!.n;
    for (const path of ['/t/o/nope', `/t/o/${m.unsubscribePath.split('/').pop()}`, `/t/o/${signTrackingToken(keys, { kind: 'o', messageId: randomUUID() })}`]) {
      expectGif(await request('GET', path, { headers: { 'user-agent': HUMAN } }));
    }
    expect((await sql(`SELECT count(*)::int AS n FROM tracking_events`))[0]!.n).toBe(before);
  });
});
