/**
 * The Gmail channel against the fake Google over HTTP: what reaches Gmail byte for byte, how each
 * answer maps to a failure kind, token refresh, history paging and resync.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle, type GmailMessage } from '../../../test/fakes/google.js';
import { closedPort } from '../../../test/helpers/closed-port.js';
import { ChannelApiError } from '../oauth/failure.js';
import { createTokenSource } from '../oauth/token-source.js';
import type { OutgoingEmail } from '../types.js';
import { classifyGmailError } from './errors.js';
import { createGmailChannel } from './index.js';

const ME = 'sender@gmail.test';
const LEAD = 'lead@prospect.test';
const G = 'https://www.googleapis.com/auth/';
const SCOPES = ['openid', 'email', `${G}gmail.send`, `${G}gmail.readonly`];
const UNSUB = '<mailto:unsubscribe@acme.test?subject=unsubscribe-tok123>, <https://acme.test/u/tok123-abcdefghijklmnopqrstuvwxyz>';
const T0 = Date.parse('2026-03-02T10:00:00Z');

let clock = T0;
const now = () => clock;
let g: FakeGoogle;
beforeEach(async () => {
  clock = T0;
  g = await startFakeGoogle({ now, email: ME });
});
afterEach(() => g.close());

function connect(opts: { scopes?: string[]; mailbox?: string; apiBaseUrl?: string } = {}) {
  const scopes = opts.scopes ?? SCOPES;
  const issued = g.issueTokens(ME, scopes);
  const tokenSource = createTokenSource({
    tokenUrl: `${g.oauthBaseUrl}/token`, clientId: g.clientId, clientSecret: g.clientSecret, now,
    tokens: { accessToken: issued.accessToken, expiresAt: new Date(clock + 3599_000), refreshToken: issued.refreshToken, scopes },
  });
  return { issued, channel: createGmailChannel({ apiBaseUrl: opts.apiBaseUrl ?? g.apiBaseUrl, tokenSource, mailbox: opts.mailbox ?? ME, now }) };
}

const email = (over: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  from: { name: 'Sam Sender', address: ME }, to: { name: 'Ana Lead', address: LEAD },
  subject: 'Quick question', text: 'Hi Ana,\nare you the right person?', html: '<p>Hi Ana, are you the right person?</p>',
  messageId: '<c1.s1@acme.test>', headers: { 'List-Unsubscribe': UNSUB, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }, ...over,
});
const stored = (id: string) => g.mailbox(ME).messages.find((m) => m.id === id)!;
const header = (m: GmailMessage, name: string) => m.headers.filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value);
const calls = (suffix: string) => g.state.requests.filter((r) => r.path.endsWith(suffix)).length;
const reply = (n: number | string, inReplyTo = '<c1.s1@acme.test>') =>
  `From: Ana Lead <${LEAD}>\r\nTo: ${ME}\r\nSubject: Re: Quick question\r\nMessage-ID: <r${n}@prospect.test>\r\nIn-Reply-To: ${inReplyTo}\r\nReferences: ${inReplyTo}\r\nDate: Mon, 02 Mar 2026 10:00:00 +0000\r\n\r\nYes, that is me (${n}).\r\n`;

describe('gmail send', () => {
  it('sends our MIME with Message-ID and List-Unsubscribe intact', async () => {
    const { channel } = connect();
    const sent = await channel.send(email());
    expect(sent).toEqual({ ok: true, providerMessageId: expect.stringMatching(/^[0-9a-f]{16}$/), providerThreadId: expect.any(String) });
    const msg = stored(sent.ok ? sent.providerMessageId! : '');
    expect(msg.labelIds).toEqual(['SENT']);
    expect(header(msg, 'Message-ID')).toEqual(['<c1.s1@acme.test>']);
    expect(header(msg, 'List-Unsubscribe')).toEqual([UNSUB]);
    expect(header(msg, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
    expect(header(msg, 'To')).toEqual([`Ana Lead <${LEAD}>`]);
    // Base64url, as Gmail requires (standard base64 is refused).
    expect(JSON.parse(g.state.requests.find((r) => r.path.endsWith('/messages/send'))!.body).raw).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('files a follow-up into the thread, with In-Reply-To and References', async () => {
    const { channel } = connect();
    const first = await channel.send(email());
    if (!first.ok) throw new Error(first.message);
    const second = await channel.send(email({ messageId: '<c1.s2@acme.test>', subject: 'Re: Quick question', inReplyTo: '<c1.s1@acme.test>', references: ['<c1.s1@acme.test>'], providerThreadId: first.providerThreadId }));
    expect(second).toMatchObject({ ok: true, providerThreadId: first.providerThreadId });
    const msg = stored(second.ok ? second.providerMessageId! : '');
    expect(header(msg, 'In-Reply-To')).toEqual(['<c1.s1@acme.test>']);
    expect(header(msg, 'References')).toEqual(['<c1.s1@acme.test>']);
    expect(JSON.parse(g.state.requests.at(-1)!.body).threadId).toBe(first.providerThreadId);
  });

  it('sends as a new thread when the thread is gone', async () => {
    const { channel } = connect();
    const sent = await channel.send(email({ providerThreadId: '18f0000000abcdef' }));
    expect(sent.ok && sent.providerThreadId).toBe(sent.ok && sent.providerMessageId);
    expect(calls('/messages/send')).toBe(2);
  });

  it('cannot be made to add a header through names, subject or header values', async () => {
    const { channel } = connect();
    const sent = await channel.send(email({
      from: { name: 'Sam\r\nBcc: victim@evil.test', address: ME },
      subject: 'Hi\r\nBcc: victim@evil.test',
      headers: { 'List-Unsubscribe': `${UNSUB}\r\nBcc: victim@evil.test` },
    }));
    const msg = stored(sent.ok ? sent.providerMessageId! : '');
    expect(header(msg, 'Bcc')).toEqual([]);
    expect(header(msg, 'Subject')).toEqual(['Hi Bcc: victim@evil.test']);
    expect(g.mailbox('victim@evil.test').messages).toEqual([]);

    const refused = await channel.send(email({ headers: { 'Message-ID': '<spoof@x>' } }));
    expect(refused).toMatchObject({ ok: false, kind: 'permanent', code: 'EMESSAGE' });
    expect(calls('/messages/send')).toBe(1);
  });
});

describe('gmail failures', () => {
  it('429 with Retry-After: rate_limited for that long, then the retry goes through', async () => {
    const { channel } = connect();
    g.failNext(1, 'rateLimit429', { retryAfter: 1 });
    const limited = await channel.send(email());
    expect(limited).toEqual({ ok: false, kind: 'rate_limited', code: 'rateLimitExceeded', retryAfterSeconds: 1, message: 'Gmail API 429 rateLimitExceeded: Too many concurrent requests for user' });
    await new Promise((resolve) => setTimeout(resolve, limited.ok ? 0 : limited.retryAfterSeconds! * 1000));
    expect(await channel.send(email())).toMatchObject({ ok: true });
    expect(g.mailbox(ME).messages).toHaveLength(1);
  });

  it('reads Retry-After as an HTTP date too', async () => {
    const { channel } = connect();
    g.failNext(1, 'rateLimit429', { retryAfter: new Date(clock + 30_000).toUTCString() });
    expect(await channel.send(email())).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 30 });
  });

  it('maps user rate limit, daily limit and backend errors', async () => {
    const { channel } = connect();
    g.failNext(1, 'userRateLimit403');
    expect(await channel.send(email())).toMatchObject({ ok: false, kind: 'rate_limited', code: 'userRateLimitExceeded', retryAfterSeconds: 60 });
    g.failNext(1, 'dailyLimit403');
    expect(await channel.send(email())).toMatchObject({ ok: false, kind: 'rate_limited', code: 'dailyLimitExceeded', retryAfterSeconds: 3600 });
    g.failNext(1, 'backend500');
    const backend = await channel.send(email());
    expect(backend).toEqual({ ok: false, kind: 'transient', code: 'backendError', message: 'Gmail API 500 backendError: Backend Error' });
  });

  it("takes the wait from Gmail's 'Retry after <time>' message when there is no header", () => {
    const body = { error: { code: 403, message: 'User-rate limit exceeded.  Retry after 2026-03-02T10:15:00.000Z', errors: [{ reason: 'rateLimitExceeded' }], status: 'PERMISSION_DENIED' } };
    expect(classifyGmailError(403, body, new Headers(), T0)).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 900 });
  });

  it('calls a 400 for a bad recipient permanent', async () => {
    // The fake's own answer for a message it cannot address, fetched over HTTP.
    const { accessToken } = g.issueTokens(ME);
    const res = await fetch(`${g.apiBaseUrl}/gmail/v1/users/me/messages/send`, {
      method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ raw: Buffer.from('From: a@gmail.test\r\nTo: nobody\r\nSubject: x\r\n\r\nbody').toString('base64url') }),
    });
    expect(classifyGmailError(res.status, await res.json(), res.headers)).toEqual({ ok: false, kind: 'permanent', code: 'invalidArgument', message: 'Gmail API 400 invalidArgument: Recipient address required' });
  });

  it('refreshes once on 401 and retries', async () => {
    const { channel } = connect();
    g.expireAccessTokens();
    expect(await channel.send(email())).toMatchObject({ ok: true });
    expect(calls('/token')).toBe(1);
    expect(calls('/messages/send')).toBe(2);
  });

  it('revoked access: auth after one refresh attempt, and no more calls after that', async () => {
    const { channel, issued } = connect();
    g.revokeRefreshToken(issued.refreshToken);
    const first = await channel.send(email());
    expect(first).toMatchObject({ ok: false, kind: 'auth', code: 'invalid_grant' });
    expect(JSON.stringify(first)).not.toContain(issued.refreshToken);
    expect(JSON.stringify(first)).not.toContain(issued.accessToken);
    for (let i = 0; i < 3; i++) expect(await channel.send(email())).toMatchObject({ ok: false, kind: 'auth' });
    expect(calls('/token')).toBe(1);
    expect(calls('/messages/send')).toBe(1);
  });

  it('a missing send scope is auth (the user must reconnect), with no refresh', async () => {
    const { channel } = connect({ scopes: [`${G}gmail.readonly`] });
    expect(await channel.send(email())).toMatchObject({ ok: false, kind: 'auth', code: 'insufficientPermissions' });
    expect(calls('/token')).toBe(0);
  });

  it('refreshes the access token before it expires instead of waiting for a 401', async () => {
    const { channel, issued } = connect();
    clock += 3599_000 - 30_000; // 30 s left
    expect(await channel.send(email())).toMatchObject({ ok: true });
    expect(calls('/token')).toBe(1);
    const send = g.state.requests.filter((r) => r.path.endsWith('/messages/send'));
    expect(send).toHaveLength(1);
    expect(send[0]!.headers.authorization).not.toBe(`Bearer ${issued.accessToken}`);
  });

  it('an unreachable API is transient for send, unknown for findSent, a thrown ChannelApiError for fetchInbound', async () => {
    const { channel } = connect({ apiBaseUrl: `http://127.0.0.1:${await closedPort()}` });
    expect(await channel.send(email())).toMatchObject({ ok: false, kind: 'transient', code: 'network' });
    expect(await channel.findSent('<c1.s1@acme.test>')).toBe('unknown');
    await expect(channel.fetchInbound('4000')).rejects.toMatchObject({ name: 'ChannelApiError', kind: 'transient' });
  });
});

describe('gmail inbound', () => {
  it('starts from now, then returns a reply with its threading', async () => {
    const { channel } = connect();
    g.deliverToInbox(ME, reply('old'));
    const start = await channel.fetchInbound(null);
    expect(start).toEqual({ messages: [], cursor: String(g.mailbox(ME).historyId) });

    const sent = await channel.send(email());
    g.deliverToInbox(ME, reply(1));
    const batch = await channel.fetchInbound(start.cursor);
    expect(batch.resynced).toBeUndefined();
    expect(batch.messages).toHaveLength(1);
    expect(batch.messages[0]).toMatchObject({
      providerId: expect.any(String), providerThreadId: sent.ok && sent.providerThreadId, messageId: '<r1@prospect.test>',
      inReplyTo: '<c1.s1@acme.test>', references: ['<c1.s1@acme.test>'], from: { name: 'Ana Lead', address: LEAD }, subject: 'Re: Quick question',
      text: 'Yes, that is me (1).\n', raw: expect.any(Buffer),
    });
    expect(await channel.fetchInbound(batch.cursor)).toEqual({ messages: [], cursor: batch.cursor });
  });

  it('pages through history, at most 100 messages a call', async () => {
    const { channel } = connect();
    const { cursor } = await channel.fetchInbound(null);
    for (let i = 0; i < 130; i++) g.deliverToInbox(ME, reply(i));
    await channel.send(email()); // SENT, not INBOX: never returned
    const first = await channel.fetchInbound(cursor);
    expect(first.messages.map((m) => m.messageId)).toEqual(Array.from({ length: 100 }, (_, i) => `<r${i}@prospect.test>`));
    expect(g.state.requests.some((r) => r.path.endsWith('/history') && r.query.get('pageToken'))).toBe(true);
    const second = await channel.fetchInbound(first.cursor);
    expect(second.messages.map((m) => m.messageId)).toEqual(Array.from({ length: 30 }, (_, i) => `<r${i + 100}@prospect.test>`));
    expect((await channel.fetchInbound(second.cursor)).messages).toEqual([]);
  });

  it('resyncs when the history has expired, returning the last two days of INBOX', async () => {
    const { channel } = connect();
    const { cursor } = await channel.fetchInbound(null);
    clock = T0 - 3 * 24 * 3600_000;
    g.deliverToInbox(ME, reply('three-days-old'));
    clock = T0;
    g.deliverToInbox(ME, reply('in-the-gap'));
    g.expireHistory(ME);

    const resynced = await channel.fetchInbound(cursor);
    expect(resynced.resynced).toBe(true);
    expect(resynced.messages.map((m) => m.messageId)).toEqual(['<rin-the-gap@prospect.test>']);
    expect(resynced.cursor).toBe(String(g.mailbox(ME).historyId));

    g.deliverToInbox(ME, reply('after'));
    const next = await channel.fetchInbound(resynced.cursor);
    expect([next.resynced, next.messages.map((m) => m.messageId)]).toEqual([undefined, ['<rafter@prospect.test>']]);
  });

  it('throws a ChannelApiError with the kind when Gmail refuses', async () => {
    const { channel } = connect();
    g.failNext(1, 'rateLimit429', { retryAfter: 5 });
    const error = await channel.fetchInbound('4000').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelApiError);
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 5, status: 429 });
  });
});

describe('gmail findSent and testConnection', () => {
  it('finds sent messages by Message-ID, only among sent mail', async () => {
    const { channel } = connect();
    await channel.send(email());
    g.deliverToInbox(ME, reply(1));
    expect(await channel.findSent('<c1.s1@acme.test>')).toBe('sent');
    expect(await channel.findSent('<c1.never@acme.test>')).toBe('not_found');
    expect(await channel.findSent('<r1@prospect.test>')).toBe('not_found'); // received, not sent
    g.failNext(1, 'backend500');
    expect(await channel.findSent('<c1.s1@acme.test>')).toBe('unknown');
    expect(await channel.findSent('<a b@acme.test>')).toBe('unknown');
  });

  it('reports token, identity, read access and scopes', async () => {
    expect(await connect().channel.testConnection()).toEqual({
      ok: true,
      checks: [
        { name: 'token', ok: true, detail: 'access token is valid' },
        { name: 'profile', ok: true, detail: `signed in as ${ME}` },
        { name: 'read', ok: true, detail: 'can read the mailbox (replies and bounces)' },
        { name: 'scopes', ok: true, detail: 'send and read permissions granted' },
      ],
    });
    const other = await connect({ mailbox: 'someone@gmail.test' }).channel.testConnection();
    expect(other.checks[1]).toEqual({ name: 'profile', ok: false, detail: `the token belongs to ${ME}, not someone@gmail.test` });
    const noSend = await connect({ scopes: [`${G}gmail.readonly`] }).channel.testConnection();
    expect([noSend.ok, noSend.checks.at(-1)]).toEqual([false, { name: 'scopes', ok: false, detail: 'permission to send mail was not granted; reconnect and leave every box ticked' }]);
  });

  it('reports a revoked grant on the token line', async () => {
    const { channel, issued } = connect();
    g.revokeRefreshToken(issued.refreshToken);
    clock += 3600_000;
    expect(await channel.testConnection()).toEqual({ ok: false, checks: [{ name: 'token', ok: false, detail: 'token refresh refused (HTTP 400 invalid_grant): Token has been expired or revoked.' }] });
  });
});
