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
    const { raw } = composeMime({ ...base, inReplyTo: '<c1.s1@acme.test>', references: ['<c1.s0@acme.test>', '<c1.s1@acme.test>'] });
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe('<c1.s2@acme.test>');
    expect(parsed.inReplyTo).toBe('<c1.s1@acme.test>');
    expect(parsed.references).toEqual(['<c1.s0@acme.test>', '<c1.s1@acme.test>']);
    const lines = `\r\n${raw.toString('latin1').replace(/\r\n[ \t]/g, ' ')}`;
    expect(lines).toContain('\r\nList-Unsubscribe: <mailto:u@acme.test?subject=unsubscribe>, <https://acme.test/u/tok>\r\n');
    expect(lines).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
  });

  it('never lets CR/LF in a name, subject or header value start a header', async () => {
    const { raw } = composeMime({
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
    expect(() => composeMime({ ...base, to: { address: 'ana@prospect.test\r\nBcc: x@evil.test' } })).toThrow(TypeError);
    expect(() => composeMime({ ...base, to: { address: 'not-an-address' } })).toThrow(/invalid email address/);
    expect(() => composeMime({ ...base, headers: { 'Bad Name': 'x' } })).toThrow(/invalid header name/);
    expect(() => composeMime({ ...base, headers: { 'Message-ID': '<other@x>' } })).toThrow(/set by the channel/);
  });

  it('round-trips non-ASCII names, subjects and bodies, text and HTML, through a real parser', async () => {
    const html = '<p>Grüße, Zoë — <a href="https://acme.test/t/c/x">link</a></p>';
    const text = `Grüße, Zoë — a line that is much longer than seventy-six characters so that it has to be wrapped ${'x'.repeat(120)}\n--=_ms_fake boundary line\n.`;
    const { raw, envelope } = composeMime({ ...base, from: { name: 'Sam "the" Sender', address: 'sam@acme.test' }, to: { name: 'Zoë Ünal', address: 'zoe@bücher.test' }, subject: 'Grüße aus Köln, Zoë', text, html });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Grüße aus Köln, Zoë');
    expect(parsed.from?.value[0]).toEqual({ name: 'Sam "the" Sender', address: 'sam@acme.test' });
    expect(parsed.to && 'value' in parsed.to && parsed.to.value[0]).toEqual({ name: 'Zoë Ünal', address: 'zoe@bücher.test' });
    expect(raw.toString('latin1')).toContain('<zoe@xn--bcher-kva.test>');
    expect(parsed.text).toBe(text);
    expect(parsed.html).toBe(html);
    expect(envelope).toEqual({ from: 'sam@acme.test', to: ['zoe@bücher.test'] });
    // 7-bit on the wire, every line within RFC 5322's 78 characters.
    expect(raw.every((b) => b < 0x80)).toBe(true);
    for (const line of raw.toString('latin1').split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('sends mostly non-Latin text as base64 and plain text without an HTML part', async () => {
    const text = 'Здравствуйте, Анна! Короткий вопрос о вашей компании.';
    const { raw } = composeMime({ ...base, subject: 'Вопрос', text });
    const wire = raw.toString('latin1');
    expect(wire).toContain('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64');
    expect(wire).not.toContain('multipart');
    const parsed = await simpleParser(raw);
    expect(parsed.text?.trim()).toBe(text);
    expect(parsed.subject).toBe('Вопрос');
  });
});
