/** HTML text and attribute escaping for anything we insert into a body or page. */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const ESCAPE_RE = /[&<>"']/g;

export const escapeHtml = (value: string) => value.replace(ESCAPE_RE, (c) => ESCAPES[c]!);

/** Plain text as an HTML block: escaped, line breaks kept. */
export const textToHtml = (text: string) => `<div>${escapeHtml(text).replace(/\r?\n/g, '<br>\n')}</div>`;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
const ENTITY_RE = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));/gi;

/** Decodes the character references an href value commonly holds (`&amp;` between query parameters). */
export function decodeAttribute(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(ENTITY_RE, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name.toLowerCase()]!;
    const code = dec ? Number(dec) : parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
