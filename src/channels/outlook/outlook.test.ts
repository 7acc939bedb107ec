/**
 * The Outlook channel against the fake Microsoft over HTTP: MIME sendMail, failure kinds, token
 * refresh with rotation, delta rounds, resync and Sent Items look-ups.
 */
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeMicrosoft, type FakeMicrosoft } from '../../../test/fakes/microsoft.js';
import { ChannelApiError } from '../oauth/failure.js';
import { createTokenSource, type OAuthTokens } from '../oauth/token-source.js';
import type { OutgoingEmail } from '../types.js';
import { classifyGraphError } from './errors.js';
import { createOutlookChannel } from './index.js';

const ME = 'sender@contoso.test';
const LEAD = 'lead@prospect.test';
const SCOPES = ['openid', 'email', 'offline_access', 'Mail.Send', 'Mail.Read'];
const UNSUB = '<mailto:unsubscribe@acme.test?subject=unsubscribe-tok123>, <https://acme.test/u/tok123-abcdefghijklmnopqrstuvwxyz>';
const T0 = Date.parse('2026-03-02T10:00:00Z');

let clock = T0;
const now = () => clock;
let ms: FakeMicrosoft;
beforeEach(async () => {
  clock = T0;
  ms = await startFakeMicrosoft({ now, email: ME });
});
afterEach(() => ms.close());

function connect(opts: { scopes?: string[]; mailbox?: string } = {}) {
  const scopes = opts.scopes ?? SCOPES;
  const issued = ms.issueTokens(ME, scopes);
  const saved: OAuthTokens[] = [];
  const tokenSource = createTokenSource({
    tokenUrl: `${ms.loginBaseUrl}/common/oauth2/v2.0/token`, clientId: ms.clientId, clientSecret: ms.clientSecret, scope: 'offline_access Mail.Send Mail.Read', now,
    tokens: { accessToken: issued.accessToken, expiresAt: new Date(clock + 3599_000), refreshToken: issued.refreshToken, scopes },
    onTokens: (t) => void saved.push(t),
  });
  return { issued, saved, channel: createOutlookChannel({ graphBaseUrl: ms.graphBaseUrl, tokenSource, mailbox: opts.mailbox ?? ME, now }) };
}

const email = (over: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  from: { name: 'Sam Sender', address: ME }, to: { name: 'Ana Lead', address: LEAD },
  subject: 'Quick question', text: 'Hi Ana,\nare you the right person?', html: '<p>Hi Ana, are you the right person?</p>',
  messageId: '<c1.s1@acme.test>', headers: { 'List-Unsubscribe': UNSUB, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }, ...over,
});
/** lookupSent's answer when the message must be there. */
const found = <T,>(r: T | null | 'unknown'): T => {
  if (r === null || r === 'unknown') throw new Error(`expected a sent message, got ${String(r)}`);
  return r;
};
const graphCalls = (suffix: string) => ms.state.requests.filter((r) => r.path.startsWith('/v1.0') && r.path.endsWith(suffix));
const tokenCalls = () => ms.state.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;
const reply = (n: number | string, inReplyTo = '<c1.s1@acme.test>') =>
  `From: Ana Lead <${LEAD}>\r\nTo: ${ME}\r\nSubject: RE: Quick question\r\nMessage-ID: <r${n}@prospect.test>\r\nIn-Reply-To: ${inReplyTo}\r\nReferences: ${inReplyTo}\r\nDate: Mon, 02 Mar 2026 10:00:00 +0000\r\n\r\nYes, that is me (${n}).\r\n`;

describe('outlook send', () => {
  it('sends MIME so Message-ID, List-Unsubscribe and threading headers survive', async () => {
    const { channel } = connect();
    expect(await channel.send(email())).toEqual({ ok: true, response: '202 Accepted' });
    const [out] = ms.state.outbox;
    expect(out).toMatchObject({ from: ME, form: 'mime', savedToSentItems: true });
    expect(graphCalls('/me/sendMail')[0]!.headers['content-type']).toBe('text/plain');
    const parsed = await simpleParser(out!.mime);
    expect(parsed.messageId).toBe('<c1.s1@acme.test>');
    const unfolded = `\r\n${out!.mime.toString().replace(/\r\n[ \t]/g, ' ')}`;
    expect(unfolded).toContain(`\r\nList-Unsubscribe: ${UNSUB}\r\n`);
    expect(unfolded).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
  });

  it('threads a follow-up into the same conversation, found by internetMessageId', async () => {
    const { channel } = connect();
    await channel.send(email());
    await channel.send(email({ messageId: '<c1.s2@acme.test>', subject: 'Re: Quick question', inReplyTo: '<c1.s1@acme.test>', references: ['<c1.s1@acme.test>'] }));
    const first = found(await channel.lookupSent('<c1.s1@acme.test>'));
    const second = found(await channel.lookupSent('<c1.s2@acme.test>'));
    expect(first).toEqual({ id: expect.stringMatching(/^AAMkAD/), conversationId: expect.any(String) });
    expect(second.conversationId).toBe(first.conversationId);
    const parsed = await simpleParser(ms.state.outbox[1]!.mime);
    expect([parsed.inReplyTo, parsed.references]).toEqual(['<c1.s1@acme.test>', '<c1.s1@acme.test>']);
    expect(await channel.lookupSent('<c1.never@acme.test>')).toBeNull();
  });

  it('cannot be made to add a header', async () => {
    const { channel } = connect();
    await channel.send(email({ subject: 'Hi\r\nBcc: victim@evil.test', to: { name: 'Ana\nBcc: victim@evil.test', address: LEAD } }));
    const head = ms.state.outbox[0]!.mime.toString().split('\r\n\r\n')[0]!;
    expect(head).not.toMatch(/^bcc:/im);
  });
});

describe('outlook failures', () => {
  it('429 with Retry-After: rate_limited for that long, then the retry goes through', async () => {
    const { channel } = connect();
    ms.failNext(1, 'throttle429', { retryAfter: 1 });
    const limited = await channel.send(email());
    expect(limited).toEqual({ ok: false, kind: 'rate_limited', code: 'TooManyRequests', retryAfterSeconds: 1, message: 'Microsoft Graph 429 TooManyRequests: Please retry again later.' });
    await new Promise((resolve) => setTimeout(resolve, limited.ok ? 0 : limited.retryAfterSeconds! * 1000));
    expect(await channel.send(email())).toMatchObject({ ok: true });
    expect(ms.state.outbox).toHaveLength(1);
  });

  it('503 is transient, with its Retry-After', async () => {
    const { channel } = connect();
    ms.failNext(1, 'unavailable503', { retryAfter: 2 });
    expect(await channel.send(email())).toMatchObject({ ok: false, kind: 'transient', code: 'serviceNotAvailable', retryAfterSeconds: 2 });
  });

  it('calls a 400 for invalid recipients permanent', async () => {
    const { accessToken } = ms.issueTokens(ME);
    const res = await fetch(`${ms.graphBaseUrl}/v1.0/me/sendMail`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'text/plain' }, body: Buffer.from(`From: ${ME}\r\nSubject: x\r\n\r\nbody`).toString('base64') });
    expect(classifyGraphError(res.status, await res.json(), res.headers)).toMatchObject({ ok: false, kind: 'permanent', code: 'ErrorInvalidRecipients' });
  });

  it('refreshes once on 401, retries, and hands the rotated refresh token to onTokens', async () => {
    const { channel, issued, saved } = connect();
    ms.expireAccessTokens();
    expect(await channel.send(email())).toMatchObject({ ok: true });
    expect(tokenCalls()).toBe(1);
    expect(graphCalls('/me/sendMail')).toHaveLength(2);
    expect(saved).toHaveLength(1);
    expect(saved[0]!.refreshToken).not.toBe(issued.refreshToken);
  });

  it('refreshes before expiry, and the next refresh uses the rotated token', async () => {
    const { channel, issued, saved } = connect();
    clock += 3599_000 - 30_000;
    expect(await channel.send(email())).toMatchObject({ ok: true });
    clock += 3599_000 - 30_000;
    expect(await channel.send(email({ messageId: '<c1.s2@acme.test>' }))).toMatchObject({ ok: true });
    expect(graphCalls('/me/sendMail').map((r) => r.headers.authorization)).toEqual([`Bearer ${saved[0]!.accessToken}`, `Bearer ${saved[1]!.accessToken}`]);
    const used = ms.state.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).map((r) => new URLSearchParams(r.body).get('refresh_token'));
    expect(used).toEqual([issued.refreshToken, saved[0]!.refreshToken]);
  });

  it('revoked grant: auth after one refresh attempt, and no retry loop', async () => {
    const { channel, issued } = connect();
    ms.revokeRefreshToken(issued.refreshToken);
    ms.expireAccessTokens(); // Entra access tokens outlive the grant until they expire
    const first = await channel.send(email());
    expect(first).toMatchObject({ ok: false, kind: 'auth', code: 'invalid_grant' });
    expect(JSON.stringify(first)).not.toContain(issued.refreshToken);
    for (let i = 0; i < 3; i++) expect(await channel.send(email())).toMatchObject({ ok: false, kind: 'auth' });
    expect(tokenCalls()).toBe(1);
    expect(graphCalls('/me/sendMail')).toHaveLength(1);
  });

  it('a missing Mail.Send permission is auth', async () => {
    const { channel } = connect({ scopes: ['offline_access', 'Mail.Read'] });
    expect(await channel.send(email())).toMatchObject({ ok: false, kind: 'auth', code: 'ErrorAccessDenied' });
  });

  it('asks for immutable ids on every Graph request', async () => {
    const { channel } = connect();
    await channel.send(email());
    await channel.fetchInbound(null);
    await channel.findSent('<c1.s1@acme.test>');
    const graph = ms.state.requests.filter((r) => r.path.startsWith('/v1.0'));
    expect(graph.length).toBeGreaterThan(2);
    for (const r of graph) expect(r.headers.prefer).toContain('IdType="ImmutableId"');
  });
});

describe('outlook inbound', () => {
  it('starts from now, then returns a reply with its conversation', async () => {
    const { channel } = connect();
    ms.deliverToInbox(reply('old'));
    const start = await channel.fetchInbound(null);
    expect(start.messages).toEqual([]);
    expect(start.cursor).toMatch(new RegExp(`^${ms.graphBaseUrl}/v1\\.0/.*\\$deltatoken=`));
    const first = graphCalls('/messages/delta')[0]!;
    expect(first.query.get('changeType')).toBe('created');
    expect(first.query.get('$filter')).toBe('receivedDateTime ge 2026-03-02T09:50:00Z');

    await channel.send(email());
    ms.deliverToInbox(reply(1));
    const batch = await channel.fetchInbound(start.cursor);
    const sent = found(await channel.lookupSent('<c1.s1@acme.test>'));
    expect(batch.messages).toHaveLength(1);
    expect(batch.messages[0]).toMatchObject({
      providerId: expect.stringMatching(/^AAMkAD/), providerThreadId: sent.conversationId,
      messageId: '<r1@prospect.test>', inReplyTo: '<c1.s1@acme.test>', from: { name: 'Ana Lead', address: LEAD }, text: 'Yes, that is me (1).\n', raw: expect.any(Buffer),
    });
    expect((await channel.fetchInbound(batch.cursor)).messages).toEqual([]);
  });

  it('pages through a round, at most 100 messages a call', async () => {
    const { channel } = connect();
    const { cursor } = await channel.fetchInbound(null);
    for (let i = 0; i < 120; i++) ms.deliverToInbox(reply(i));
    const first = await channel.fetchInbound(cursor);
    expect(first.messages.map((m) => m.messageId)).toEqual(Array.from({ length: 100 }, (_, i) => `<r${i}@prospect.test>`));
    expect(first.cursor).toContain('$skiptoken=');
    const second = await channel.fetchInbound(first.cursor);
    expect(second.messages.map((m) => m.messageId)).toEqual(Array.from({ length: 20 }, (_, i) => `<r${i + 100}@prospect.test>`));
    expect(second.cursor).toContain('$deltatoken=');
    expect((await channel.fetchInbound(second.cursor)).messages).toEqual([]);
  });

  it('resyncs on 410, returning the last two days of the Inbox', async () => {
    const { channel } = connect();
    const { cursor } = await channel.fetchInbound(null);
    clock = T0 - 3 * 24 * 3600_000;
    ms.deliverToInbox(reply('three-days-old'));
    clock = T0;
    ms.deliverToInbox(reply('in-the-gap'));
    ms.expireDeltaTokens();

    const resynced = await channel.fetchInbound(cursor);
    expect(resynced.resynced).toBe(true);
    expect(resynced.messages.map((m) => m.messageId)).toEqual(['<rin-the-gap@prospect.test>']);
    ms.deliverToInbox(reply('after'));
    const next = await channel.fetchInbound(resynced.cursor);
    expect([next.resynced, next.messages.map((m) => m.messageId)]).toEqual([undefined, ['<rafter@prospect.test>']]);
  });

  it('never follows a cursor off the Graph host (the token would go with it)', async () => {
    const { channel } = connect();
    const before = ms.state.requests.length;
    const batch = await channel.fetchInbound('https://evil.test/v1.0/me/mailFolders/inbox/messages/delta?$deltatoken=x');
    expect(batch.resynced).toBe(true);
    expect(ms.state.requests.slice(before).every((r) => r.path.endsWith('/messages/delta') && r.query.get('$filter'))).toBe(true);
  });

  it('throws a ChannelApiError with the kind when Graph refuses', async () => {
    const { channel } = connect();
    const { cursor } = await channel.fetchInbound(null);
    ms.failNext(1, 'throttle429', { retryAfter: 4 });
    const error = await channel.fetchInbound(cursor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelApiError);
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 4, status: 429 });
  });
});

describe('outlook findSent and testConnection', () => {
  it('finds sent messages by internetMessageId in Sent Items only', async () => {
    const { channel } = connect();
    await channel.send(email({ messageId: "<it's.1@acme.test>" }));
    ms.deliverToInbox(reply(1));
    expect(await channel.findSent("<it's.1@acme.test>")).toBe('sent');
    expect(await channel.findSent('<c1.never@acme.test>')).toBe('not_found');
    expect(await channel.findSent('<r1@prospect.test>')).toBe('not_found');
    ms.failNext(1, 'unavailable503');
    expect(await channel.findSent("<it's.1@acme.test>")).toBe('unknown');
  });

  it('reports token, identity, read access and scopes', async () => {
    expect(await connect().channel.testConnection()).toEqual({
      ok: true,
      checks: [
        { name: 'token', ok: true, detail: 'access token is valid' },
        { name: 'profile', ok: true, detail: `signed in as ${ME}` },
        { name: 'read', ok: true, detail: 'can read the Inbox (replies and bounces)' },
        { name: 'scopes', ok: true, detail: 'send and read permissions granted' },
      ],
    });
    const other = await connect({ mailbox: 'someone@contoso.test' }).channel.testConnection();
    expect(other.checks[1]).toEqual({ name: 'profile', ok: false, detail: `the token belongs to ${ME}, not someone@contoso.test` });
    const noSend = await connect({ scopes: ['offline_access', 'https://graph.microsoft.com/Mail.Read'] }).channel.testConnection();
    expect([noSend.ok, noSend.checks.at(-1)]).toEqual([false, { name: 'scopes', ok: false, detail: 'permission to send mail was not granted; reconnect and accept every permission' }]);
  });
});
