import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyInbound } from './classify.js';
import { parseRawEmail } from './parse-email.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

/** Each fixture as stored (LF) and as it travels over the wire (CRLF): both must classify alike. */
async function classifyFixture(name: string) {
  const lf = classifyInbound(await parseRawEmail(fixture(name), name));
  const crlf = classifyInbound(await parseRawEmail(Buffer.from(fixture(name).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'), name));
  expect(crlf).toEqual(lf);
  return lf;
}

async function classifyRaw(raw: string) {
  return classifyInbound(await parseRawEmail(Buffer.from(raw.replace(/\r?\n/g, '\r\n')), 'inline'));
}

describe('classifyInbound: standard delivery reports (RFC 3464)', () => {
  it('reads a Gmail DSN: hard bounce, recipient, diagnostic and the original Message-ID', async () => {
    const result = await classifyFixture('gmail-dsn.eml');
    expect(result.kind).toBe('bounce');
    expect(result.bounce).toEqual({
      type: 'hard',
      status: '5.1.1',
      diagnostic: '550 5.1.1 <no-such-person@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
      recipient: 'no-such-person@example.org',
      originalMessageId: '<20261123171405.7f3a9c1e@mail.acme-outreach.test>',
    });
    expect(result.matchedMessageIds).toEqual(['<20261123171405.7f3a9c1e@mail.acme-outreach.test>']);
  });

  it('reads a Postfix DSN whose original comes back as text/rfc822-headers', async () => {
    const result = await classifyFixture('postfix-dsn.eml');
    expect(result.kind).toBe('bounce');
    expect(result.bounce).toMatchObject({
      type: 'hard',
      status: '5.1.1',
      recipient: 'gone@example.net',
      originalMessageId: '<20261123180210.b81c44d2@mail.acme-outreach.test>',
    });
    expect(result.bounce!.diagnostic).toBe('550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown in local recipient table');
    // The bounce itself has no In-Reply-To; the returned message's id is what ties it to us.
    expect(result.matchedMessageIds).toEqual(['<20261123180210.b81c44d2@mail.acme-outreach.test>']);
  });

  it('reads an Exchange Online NDR (5.1.10, base64 original, folded Message-ID)', async () => {
    const result = await classifyFixture('exchange-ndr.eml');
    expect(result.kind).toBe('bounce');
    expect(result.bounce).toEqual({
      type: 'hard',
      status: '5.1.10',
      diagnostic: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      recipient: 'jsmith@contoso.example',
      originalMessageId: '<20261123191940.c0ffee01@mail.acme-outreach.test>',
    });
    expect(result.matchedMessageIds).toEqual(['<20261123191940.c0ffee01@mail.acme-outreach.test>']);
  });

  it('reads a delayed DSN (4.x.x) as a soft bounce', async () => {
    const result = await classifyFixture('delayed-dsn.eml');
    expect(result.kind).toBe('bounce');
    expect(result.bounce).toEqual({
      type: 'soft',
      status: '4.4.1',
      diagnostic: 'connect to mx.slow.example.com[203.0.113.90]:25: Connection timed out',
      recipient: 'ops@slow.example.com',
      originalMessageId: '<20261124020150.d3adb33f@mail.acme-outreach.test>',
    });
  });

  it('takes a report of successful delivery for an automatic message, not a bounce', async () => {
    const raw = fixture('postfix-dsn.eml').toString('utf8').replace('Action: failed', 'Action: delivered').replace('Status: 5.1.1', 'Status: 2.0.0');
    const result = await classifyRaw(raw);
    expect(result.kind).toBe('auto_reply');
    expect(result.bounce).toBeUndefined();
  });
});

describe('classifyInbound: non-standard bounces', () => {
  it('reads a qmail-style plain-text failure notice from MAILER-DAEMON', async () => {
    const result = await classifyRaw(`Return-Path: <>
From: MAILER-DAEMON@mx.old-host.example
To: alice@acme-outreach.test
Subject: failure notice
Date: Mon, 23 Nov 2026 20:00:00 +0000
Message-ID: <1763928000.4711.qmail@mx.old-host.example>

Hi. This is the qmail-send program at mx.old-host.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<left@old-host.example>:
198.51.100.12 does not like recipient.
Remote host said: 550 5.1.1 <left@old-host.example>... User unknown
Giving up on 198.51.100.12.

--- Below this line is a copy of the message.

Return-Path: <alice@acme-outreach.test>
Received: (qmail 4711 invoked from network); 23 Nov 2026 20:00:00 -0000
Message-ID: <20261123195959.0dd0dd0d@mail.acme-outreach.test>
From: Alice Example <alice@acme-outreach.test>
To: left@old-host.example
Subject: Hello from Acme

Hi!
`);
    expect(result.kind).toBe('bounce');
    expect(result.bounce).toEqual({
      type: 'hard',
      status: '5.1.1',
      diagnostic: 'Remote host said: 550 5.1.1 <left@old-host.example>... User unknown',
      recipient: 'left@old-host.example',
      originalMessageId: '<20261123195959.0dd0dd0d@mail.acme-outreach.test>',
    });
    expect(result.matchedMessageIds).toEqual(['<20261123195959.0dd0dd0d@mail.acme-outreach.test>']);
  });

  it('reads "Delivery Status Notification (Delay)" without a report part as soft', async () => {
    const result = await classifyRaw(`From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: alice@acme-outreach.test
Subject: Delivery Status Notification (Delay)
Date: Mon, 23 Nov 2026 20:00:00 +0000

Delivery to the following recipient has been delayed:

     slow@example.com

Message will be retried for 2 more day(s)
`);
    expect(result.kind).toBe('bounce');
    expect(result.bounce).toMatchObject({ type: 'soft', status: '4.0.0', recipient: 'slow@example.com', originalMessageId: null });
  });

  it('does not take a person writing about an undeliverable parcel for a bounce', async () => {
    const result = await classifyRaw(`From: Tom Becker <tom@example.net>
To: alice@acme-outreach.test
Subject: Re: Undeliverable parcel, 550 boxes
In-Reply-To: <20261123080000.feedf00d@mail.acme-outreach.test>
Date: Mon, 23 Nov 2026 20:00:00 +0000

We had 550 boxes come back as undeliverable, can you help?
`);
    expect(result.kind).toBe('reply');
  });
});

describe('classifyInbound: auto-replies', () => {
  it('takes Auto-Submitted: auto-replied as automatic whatever the subject says', async () => {
    const result = await classifyFixture('ooo-auto-submitted.eml');
    expect(result.kind).toBe('auto_reply');
    expect(result.matchedMessageIds).toEqual(['<20261123182958.aa11bb22@mail.acme-outreach.test>']);
  });

  it('takes a German "Abwesenheitsnotiz" without any automatic headers as automatic', async () => {
    const result = await classifyFixture('ooo-german-subject.eml');
    expect(result.kind).toBe('auto_reply');
    expect(result.matchedMessageIds).toEqual(['<20261123184500.5eed5eed@mail.acme-outreach.test>']);
  });

  const plain = (headers: string, subject: string, body = 'Thanks for your email.') =>
    `From: Someone <someone@example.com>\nTo: alice@acme-outreach.test\n${headers}Subject: ${subject}\nDate: Mon, 23 Nov 2026 20:00:00 +0000\n\n${body}\n`;

  it.each([
    ['X-Autoreply: yes\n', 'Re: Hello'],
    ['X-Autorespond: Thanks\n', 'Re: Hello'],
    ['Precedence: auto_reply\n', 'Re: Hello'],
    ['Precedence: bulk\n', 'Re: Hello'],
    ['Precedence: junk\n', 'Re: Hello'],
    ['Auto-Submitted: auto-generated\n', 'Re: Hello'],
    ['', 'Out of Office: Re: Hello'],
    ['', 'Automatic reply: Hello'],
    ['', 'Réponse automatique : Hello'],
    ['', 'Absence : Hello'],
    ['', 'Fuera de la oficina: Hello'],
    ['', 'Respuesta automática: Hello'],
    ['', 'Automatische Antwort: Hello'],
  ])('headers %j, subject %j → auto_reply', async (headers, subject) => {
    expect((await classifyRaw(plain(headers, subject))).kind).toBe('auto_reply');
  });

  it.each([
    ['Hello,\nI am currently out of the office until Monday 30 November.'],
    ['Bonjour,\nJe suis absente jusqu’au 2 décembre.'],
    ['Hola,\nEstoy fuera de la oficina hasta el lunes.'],
    ['Guten Tag,\nich bin bis Montag nicht im Büro.'],
  ])('an out-of-office opening line with a plain subject is automatic: %j', async (body) => {
    expect((await classifyRaw(plain('', 'Re: Hello', body))).kind).toBe('auto_reply');
  });

  it('Auto-Submitted: no is a person', async () => {
    expect((await classifyRaw(plain('Auto-Submitted: no\n', 'Re: Hello'))).kind).toBe('reply');
  });
});

describe('classifyInbound: replies', () => {
  it('takes a reply quoting our message (which mentions being out of office) for a reply', async () => {
    const result = await classifyFixture('reply-quoting.eml');
    expect(result.kind).toBe('reply');
    expect(result.bounce).toBeUndefined();
    expect(result.matchedMessageIds).toEqual([
      '<20261123080000.feedf00d@mail.acme-outreach.test>',
      '<20261116093000.1a2b3c4d@mail.acme-outreach.test>',
    ]);
  });

  it('normalises ids without angle brackets and removes duplicates', () => {
    const result = classifyInbound({
      providerId: 'x',
      messageId: '<r@example.net>',
      inReplyTo: 'a@acme.test',
      references: ['<b@acme.test>', ' <a@acme.test> '],
      from: { address: 'tom@example.net' },
      to: [],
      subject: 'Re: Hello',
      date: new Date(),
      text: 'Yes please.',
      headers: {},
    });
    expect(result).toEqual({ kind: 'reply', matchedMessageIds: ['<a@acme.test>', '<b@acme.test>'] });
  });
});
