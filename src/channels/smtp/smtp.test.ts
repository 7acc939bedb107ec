import { generateKeyPairSync } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessage, createMailbox, ensureDovecot, setUidValidity, type TestMailbox } from '../../../test/helpers/dovecot.js';
import { verifyDkim } from '../../../test/helpers/dkim-verify.js';
import { startSmtpPeer, type SmtpPeer } from '../../../test/helpers/smtp-peer.js';
import { classifyInbound } from '../inbound/classify.js';
import { parseRawEmail } from '../inbound/parse-email.js';
import type { EmailChannel, OutgoingEmail } from '../types.js';
import type { SmtpChannelConfig } from './config.js';
import { createSmtpChannel } from './index.js';

const SMTP_USER = { user: 'alice@acme-outreach.test', password: 'smtp-secret-1' };
const dovecot = ensureDovecot();
if (!dovecot.ok) console.warn(`\n[smtp.test] IMAP tests skipped, Dovecot is not available here (in CI they run): ${dovecot.reason}\n`);

let peer: SmtpPeer;
let mailbox: TestMailbox;
const channels: EmailChannel[] = [];

beforeAll(async () => {
  peer = await startSmtpPeer(SMTP_USER);
  mailbox = dovecot.ok ? await createMailbox(dovecot.server) : { host: '127.0.0.1', port: 1, user: 'none', password: 'none' };
});
afterAll(async () => {
  await Promise.all(channels.map((c) => c.close()));
  await peer.close();
});

function channel(overrides: { smtp?: Partial<SmtpChannelConfig['smtp']>; imap?: Partial<SmtpChannelConfig['imap']> } & Partial<Omit<SmtpChannelConfig, 'smtp' | 'imap'>> = {}) {
  const { smtp, imap, ...rest } = overrides;
  const created = createSmtpChannel({
    smtp: { host: '127.0.0.1', port: peer.port, secure: 'none', user: SMTP_USER.user, password: SMTP_USER.password, ...smtp },
    imap: { host: mailbox.host, port: mailbox.port, secure: false, user: mailbox.user, password: mailbox.password, ...imap },
    fromDomain: 'acme-outreach.test',
    timeouts: { connectMs: 2_000, socketMs: 5_000 },
    ...rest,
  });
  channels.push(created);
  return created;
}

let counter = 0;
function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  counter += 1;
  return {
    from: { name: 'Alice Example', address: 'alice@acme-outreach.test' },
    to: { name: 'Bob Receiver', address: 'bob@example.org' },
    subject: 'Quick question about Example Org',
    text: 'Hi Bob,\n\nWould a short call next week work?\n\nAlice\n',
    messageId: `<t${Date.now()}.${counter}@acme-outreach.test>`,
    inReplyTo: '<step1.x7@acme-outreach.test>',
    references: ['<step0.x6@acme-outreach.test>', '<step1.x7@acme-outreach.test>'],
    headers: {
      'List-Unsubscribe': '<https://app.acme-outreach.test/u/6f1c2a9e0b7d4c35a8e2f1b0c9d8e7f6>, <mailto:unsubscribe+6f1c2a9e@acme-outreach.test>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    ...overrides,
  };
}

/** The message the peer received for this Message-ID, parsed the way inbound mail is. */
async function receivedFor(messageId: string) {
  const found = peer.received.find((r) => r.raw.includes(messageId));
  if (!found) throw new Error(`peer did not receive ${messageId}`);
  return { ...found, parsed: await parseRawEmail(Buffer.from(found.raw), 'peer') };
}

describe('send', () => {
  it('delivers with Message-ID, threading and List-Unsubscribe headers intact, to the envelope recipient only', async () => {
    const out = email();
    const result = await channel().send(out);
    expect(result).toEqual({ ok: true, response: expect.stringMatching(/^250 2\.0\.0 Ok: queued as Q\d+$/) });

    const { from, to, parsed } = await receivedFor(out.messageId);
    expect(from).toBe('alice@acme-outreach.test');
    expect(to).toEqual(['bob@example.org']);
    expect(parsed.messageId).toBe(out.messageId);
    expect(parsed.headers['in-reply-to']).toBe('<step1.x7@acme-outreach.test>');
    expect(parsed.headers['references']).toBe('<step0.x6@acme-outreach.test> <step1.x7@acme-outreach.test>');
    expect(parsed.headers['list-unsubscribe']).toBe(out.headers!['List-Unsubscribe']);
    expect(parsed.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(parsed.subject).toBe(out.subject);
    expect(parsed.text.trim()).toBe(out.text.trim());
  });

  it('reuses one pooled SMTP connection for consecutive sends', async () => {
    let connections = 0;
    const counting = await startSmtpPeer(SMTP_USER, { onConnect: (_session, callback) => ((connections += 1), callback()) });
    const ch = channel({ smtp: { port: counting.port } });
    try {
      for (let i = 0; i < 3; i++) expect((await ch.send(email())).ok).toBe(true);
      expect(counting.received).toHaveLength(3);
      expect(connections).toBe(1);
    } finally {
      // The pooled connection stays open until the channel closes; the server waits for it.
      await ch.close();
      await counting.close();
    }
  });

  it('never lets CR/LF in a name, subject or header value start a header of its own', async () => {
    const out = email({
      from: { name: 'Alice\r\nBcc: evil-from@attacker.test', address: 'alice@acme-outreach.test' },
      to: { name: 'Bob\nX-Injected: to-name', address: 'bob@example.org' },
      subject: 'Hello\r\nBcc: evil-subject@attacker.test\r\n\r\nfake body',
      headers: { 'List-Unsubscribe': '<https://app.acme-outreach.test/u/1>\r\nBcc: evil-header@attacker.test' },
    });
    expect((await channel().send(out)).ok).toBe(true);
    const { to, raw, parsed } = await receivedFor(out.messageId);
    expect(to).toEqual(['bob@example.org']);
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(head).not.toMatch(/^(bcc|x-injected):/im);
    expect(parsed.headers['bcc']).toBeUndefined();
    expect(parsed.subject).toBe('Hello Bcc: evil-subject@attacker.test fake body');
    expect(parsed.headers['list-unsubscribe']).toBe('<https://app.acme-outreach.test/u/1> Bcc: evil-header@attacker.test');
    expect(parsed.text.trim()).toBe(out.text.trim());
  });

  it('refuses header names and addresses that could inject, as a permanent failure, sending nothing', async () => {
    const before = peer.received.length;
    const badName = await channel().send(email({ headers: { 'X-Ok\r\nBcc': 'evil@attacker.test' } }));
    expect(badName).toMatchObject({ ok: false, kind: 'permanent', code: 'EMESSAGE' });
    const reserved = await channel().send(email({ headers: { Bcc: 'evil@attacker.test' } }));
    expect(reserved).toMatchObject({ ok: false, kind: 'permanent', code: 'EMESSAGE' });
    const badAddress = await channel().send(email({ to: { address: 'bob@example.org>\r\nRCPT TO:<evil@attacker.test' } }));
    expect(badAddress).toMatchObject({ ok: false, kind: 'permanent', code: 'EMESSAGE' });
    expect(peer.received.length).toBe(before);
  });

  it('DKIM-signs when configured, with a signature an independent verifier accepts', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ch = channel({ dkim: { domainName: 'acme-outreach.test', keySelector: 'ms2026', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } });
    const out = email();
    expect((await ch.send(out)).ok).toBe(true);
    const { raw, parsed } = await receivedFor(out.messageId);

    expect(parsed.headers['dkim-signature']).toMatch(/\bd=acme-outreach\.test;/);
    expect(parsed.headers['dkim-signature']).toMatch(/\bs=ms2026;/);
    const verified = verifyDkim(raw, publicKey);
    expect(verified).toMatchObject({ ok: true, tags: { d: 'acme-outreach.test', s: 'ms2026' } });
    expect(verified.tags.h!.toLowerCase().split(':')).toEqual(expect.arrayContaining(['from', 'subject', 'message-id', 'list-unsubscribe']));
    // The verifier is not a rubber stamp: a changed subject breaks the signature.
    expect(verifyDkim(raw.replace('Subject: Quick question', 'Subject: Quick questions'), publicKey).ok).toBe(false);
  });

  it('sends without DKIM-Signature when DKIM is not configured', async () => {
    const out = email();
    await channel().send(out);
    expect((await receivedFor(out.messageId)).parsed.headers['dkim-signature']).toBeUndefined();
  });
});

describe('send failures as values, with the server’s exact reply', () => {
  it.each([
    ['nouser@example.org', 550, '5.1.1 <nouser@example.org>: Recipient address rejected: User unknown in virtual mailbox table', 'permanent'],
    ['full@example.org', 452, '4.2.2 <full@example.org>: Mailbox full', 'transient'],
    ['closing@example.org', 421, '4.3.2 Service shutting down, closing transmission channel', 'transient'],
    ['busy@example.org', 421, '4.7.0 Too many connections from your host, slow down', 'rate_limited'],
    ['quota@example.org', 550, '5.4.5 Daily user sending limit exceeded.', 'rate_limited'],
  ] as const)('RCPT %s answered %i %s → %s', async (address, code, text, kind) => {
    peer.rcptReplies.set(address, { code, text });
    const ch = channel();
    const result = await ch.send(email({ to: { address } }));
    expect(result).toEqual({ ok: false, kind, code: String(code), message: `${code} ${text}` });
    // The pool recovers, also after a 421 closed the connection.
    expect((await ch.send(email())).ok).toBe(true);
  });

  it('AUTH answered 535 → auth', async () => {
    const result = await channel({ smtp: { password: 'wrong' } }).send(email());
    expect(result).toEqual({ ok: false, kind: 'auth', code: '535', message: '535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6' });
  });

  it('connection refused → transient', async () => {
    const result = await channel({ smtp: { port: await closedPort() } }).send(email());
    expect(result).toMatchObject({ ok: false, kind: 'transient', code: 'ESOCKET', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('a server that never greets → transient timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const ch = channel({ smtp: { port: (silent.address() as AddressInfo).port }, timeouts: { connectMs: 300, socketMs: 1_000 } });
      expect(await ch.send(email())).toMatchObject({ ok: false, kind: 'transient', code: 'ETIMEDOUT' });
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe.skipIf(!dovecot.ok)('IMAP against Dovecot', () => {
  it('testConnection: both servers accept', async () => {
    const check = await channel().testConnection();
    expect(check).toEqual({
      ok: true,
      checks: [
        { name: 'smtp', ok: true, detail: `127.0.0.1:${peer.port} accepted the login for ${SMTP_USER.user}` },
        { name: 'imap', ok: true, detail: expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${mailbox.port} accepted the login for ${mailbox.user}; INBOX has \\d+ messages$`)) },
      ],
    });
  });

  it('testConnection: each server’s own refusal, word for word', async () => {
    const check = await channel({ smtp: { password: 'wrong' }, imap: { password: 'wrong' } }).testConnection();
    expect(check).toEqual({
      ok: false,
      checks: [
        { name: 'smtp', ok: false, detail: '535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6' },
        { name: 'imap', ok: false, detail: 'NO [AUTHENTICATIONFAILED] Authentication failed.' },
      ],
    });
    const imapOnly = await channel({ imap: { password: 'wrong' } }).testConnection();
    expect(imapOnly.ok).toBe(false);
    expect(imapOnly.checks.map((c) => c.ok)).toEqual([true, false]);
  });

  it('testConnection: an IMAP port nobody listens on', async () => {
    const port = await closedPort();
    const check = await channel({ imap: { port } }).testConnection();
    expect(check.checks[1]).toEqual({ name: 'imap', ok: false, detail: `connect ECONNREFUSED 127.0.0.1:${port}` });
  });

  it('finds replies, auto-replies and bounces to a sent message, and resumes from its cursor', async () => {
    const box = await createMailbox(dovecot.ok ? dovecot.server : never());
    const ch = channel({ imap: { user: box.user, password: box.password } });
    await appendMessage(box, 'INBOX', rawMail({ from: 'old@example.org', subject: 'Mail from before we started', body: 'old' }));

    const start = await ch.fetchInbound(null);
    expect(start.messages).toEqual([]);
    expect(start.cursor).toMatch(/^\d+:1$/);

    const out = email();
    expect((await ch.send(out)).ok).toBe(true);
    const sent = await receivedFor(out.messageId);

    await appendMessage(box, 'INBOX', rawMail({ from: 'bob@example.org', subject: `Re: ${out.subject}`, inReplyTo: out.messageId, body: 'Yes, Thursday works.\n\n> Would a short call next week work?' }));
    await appendMessage(box, 'INBOX', rawMail({ from: 'bob@example.org', subject: `Automatic reply: ${out.subject}`, inReplyTo: out.messageId, headers: 'Auto-Submitted: auto-replied\r\n', body: 'I am out of the office until Monday.' }));
    await appendMessage(box, 'INBOX', dsnFor(sent.raw, 'bob@example.org'));

    const batch = await ch.fetchInbound(start.cursor);
    expect(batch.resynced).toBeUndefined();
    expect(batch.messages.map((m) => m.subject)).toEqual([`Re: ${out.subject}`, `Automatic reply: ${out.subject}`, 'Undelivered Mail Returned to Sender']);
    expect(batch.messages.every((m) => m.raw && m.raw.length > 0)).toBe(true);
    const [reply, auto, bounce] = batch.messages.map(classifyInbound);
    expect(reply).toEqual({ kind: 'reply', matchedMessageIds: [out.messageId] });
    expect(auto).toEqual({ kind: 'auto_reply', matchedMessageIds: [out.messageId] });
    expect(bounce).toMatchObject({ kind: 'bounce', bounce: { type: 'hard', status: '5.1.1', recipient: 'bob@example.org', originalMessageId: out.messageId }, matchedMessageIds: [out.messageId] });
    expect(batch.messages[0]!.from).toEqual({ name: null, address: 'bob@example.org' });
    expect(batch.messages[0]!.inReplyTo).toBe(out.messageId);

    const again = await ch.fetchInbound(batch.cursor);
    expect(again).toEqual({ messages: [], cursor: batch.cursor });

    await appendMessage(box, 'INBOX', rawMail({ from: 'carol@example.org', subject: 'Later', body: 'later' }));
    const later = await ch.fetchInbound(again.cursor);
    expect(later.messages.map((m) => m.subject)).toEqual(['Later']);
  });

  it('resyncs from now when INBOX gets a new UIDVALIDITY', async () => {
    const box = await createMailbox(dovecot.ok ? dovecot.server : never());
    const ch = channel({ imap: { user: box.user, password: box.password } });
    const start = await ch.fetchInbound(null);
    await appendMessage(box, 'INBOX', rawMail({ from: 'bob@example.org', subject: 'Before the rebuild', body: 'x' }));
    setUidValidity(dovecot.ok ? dovecot.server : never(), box, 'INBOX', 424242);

    const resynced = await ch.fetchInbound(start.cursor);
    expect(resynced).toEqual({ messages: [], cursor: '424242:1', resynced: true });
    await appendMessage(box, 'INBOX', rawMail({ from: 'bob@example.org', subject: 'After the rebuild', body: 'y' }));
    expect((await ch.fetchInbound(resynced.cursor)).messages.map((m) => m.subject)).toEqual(['After the rebuild']);
    expect(await ch.fetchInbound('not a cursor')).toMatchObject({ messages: [], resynced: true });
  });

  it('findSent: looks in the \\Sent folder by Message-ID', async () => {
    const box = await createMailbox(dovecot.ok ? dovecot.server : never());
    const ch = channel({ imap: { user: box.user, password: box.password } });
    const out = email();
    await ch.send(out);
    // Providers that keep sent mail put the very message in Sent; so do we here.
    await appendMessage(box, 'Sent', (await receivedFor(out.messageId)).raw);

    expect(await ch.findSent(out.messageId)).toBe('sent');
    expect(await ch.findSent(out.messageId.slice(1, -1))).toBe('sent');
    expect(await ch.findSent('<never-sent.1@acme-outreach.test>')).toBe('not_found');
    expect(await channel({ imap: { user: box.user, password: box.password, sentFolder: 'Sent' } }).findSent(out.messageId)).toBe('sent');
    expect(await channel({ imap: { user: box.user, password: box.password, sentFolder: 'No Such Folder' } }).findSent(out.messageId)).toBe('unknown');
    expect(await channel({ imap: { user: box.user, password: 'wrong' } }).findSent(out.messageId)).toBe('unknown');
  });
});

function never(): never {
  throw new Error('Dovecot is not running');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function rawMail(m: { from: string; subject: string; body: string; inReplyTo?: string; headers?: string }): string {
  const id = `<in.${Date.now()}.${Math.random().toString(36).slice(2)}@example.org>`;
  return (
    `From: ${m.from}\r\nTo: alice@acme-outreach.test\r\nSubject: ${m.subject}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: ${id}\r\n` +
    (m.inReplyTo ? `In-Reply-To: ${m.inReplyTo}\r\nReferences: ${m.inReplyTo}\r\n` : '') +
    (m.headers ?? '') +
    `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${m.body.replace(/\n/g, '\r\n')}\r\n`
  );
}

/** A Postfix-style DSN returning the headers of the message the SMTP peer actually received. */
function dsnFor(originalRaw: string, recipient: string): string {
  const headers = originalRaw.slice(0, originalRaw.indexOf('\r\n\r\n'));
  const b = 'DSN.boundary.1';
  return [
    'Return-Path: <>',
    'From: MAILER-DAEMON@mail.acme-outreach.test (Mail Delivery System)',
    'To: alice@acme-outreach.test',
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${new Date().toUTCString()}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `<${recipient}>: host mx.example.org said: 550 5.1.1 User unknown`,
    '',
    `--${b}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mail.acme-outreach.test',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    `Diagnostic-Code: smtp; 550 5.1.1 <${recipient}>: User unknown`,
    '',
    `--${b}`,
    'Content-Type: text/rfc822-headers',
    '',
    headers,
    '',
    `--${b}--`,
    '',
  ].join('\r\n');
}
