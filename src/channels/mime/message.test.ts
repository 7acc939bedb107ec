import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import type { OutgoingEmail } from '../types.js';
import { composeMime } from './message.js';

const base: OutgoingEmail = {
  from: { name: 'Sam Sender', address: 'sam@acme.test' },
  to: { name: 'Ana Lead', address: 'ana@prospect.test' },
  subject: 'Quick question',
  text: 'Hi Ana',
  messageId: '<c1.s2@acme.test>',
  headers: { 'List-Unsubscribe': '<mailto:u@acme.test?subject=unsubscribe>, <https://acme.test/u/tok>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
};

/** Header names as they appear on the wire, unfolded. */
const headerNames = (raw: Buffer) => raw.toString('latin1').split(/\r\n\r\n/)[0]!.replace(/\r\n[ \t]/g, ' ').split('\r\n').map((l) => l.slice(0, l.indexOf(':')).toLowerCase());

describe('composeMime', () => {
  it('keeps our Message-ID, threading and List-Unsubscribe headers exactly', async () => {
    const raw = await composeMime({ ...base, inReplyTo: '<c1.s1@acme.test>', references: ['<c1.s0@acme.test>', '<c1.s1@acme.test>'] });
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe('<c1.s2@acme.test>');
    expect(parsed.inReplyTo).toBe('<c1.s1@acme.test>');
    expect(parsed.references).toEqual(['<c1.s0@acme.test>', '<c1.s1@acme.test>']);
    const lines = `\r\n${raw.toString('latin1').replace(/\r\n[ \t]/g, ' ')}`;
    expect(lines).toContain('\r\nList-Unsubscribe: <mailto:u@acme.test?subject=unsubscribe>, <https://acme.test/u/tok>\r\n');
    expect(lines).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
  });

  it('never lets CR/LF in a name, subject or header value start a header', async () => {
    const raw = await composeMime({
      ...base,
      from: { name: 'Sam\r\nBcc: victim@evil.test', address: 'sam@acme.test' },
      subject: 'Hello\r\nBcc: victim@evil.test\nX-Injected: 1',
      headers: { 'X-Campaign': 'c1\r\nBcc: victim@evil.test' },
    });
    const names = headerNames(raw);
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('x-injected');
    expect(names.filter((n) => n === 'subject')).toHaveLength(1);
    expect((await simpleParser(raw)).subject).toBe('Hello Bcc: victim@evil.test X-Injected: 1');
  });

  it('refuses addresses and header names that cannot be sent', async () => {
    await expect(composeMime({ ...base, to: { address: 'ana@prospect.test\r\nBcc: x@evil.test' } })).rejects.toThrow(TypeError);
    await expect(composeMime({ ...base, to: { address: 'not-an-address' } })).rejects.toThrow(/invalid email address/);
    await expect(composeMime({ ...base, headers: { 'Bad Name': 'x' } })).rejects.toThrow(/invalid header name/);
    await expect(composeMime({ ...base, headers: { 'Message-ID': '<other@x>' } })).rejects.toThrow(/set by the channel/);
  });
});
