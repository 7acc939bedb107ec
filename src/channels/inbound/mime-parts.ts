/**
 * A deliberately small, synchronous MIME walker: enough structure to find the parts of a
 * delivery report (RFC 3462 multipart/report, RFC 3464 message/delivery-status, the returned
 * message/rfc822 or text/rfc822-headers). classifyInbound is synchronous, and mailparser's
 * parser is not; mailparser also hides the report parts inside its attachments.
 */

export interface MimePart {
  /** Lower-cased names; folded lines unfolded; the first occurrence of a repeated header wins. */
  headers: Map<string, string>;
  /** Lower-cased `type/subtype`; `text/plain` when absent (RFC 2045). */
  contentType: string;
  params: Record<string, string>;
  /** The body with its Content-Transfer-Encoding undone. */
  body: Buffer;
  /** Children of a multipart, or the single embedded message of message/rfc822. */
  parts: MimePart[];
}

const MAX_DEPTH = 8;

export function parseMime(raw: Buffer | string, depth = 0): MimePart {
  // latin1 maps bytes 1:1 to chars, so splitting never corrupts 8-bit bodies.
  const source = typeof raw === 'string' ? raw : raw.toString('latin1');
  const split = source.search(/\r?\n\r?\n/);
  const head = split === -1 ? source : source.slice(0, split);
  const bodyText = split === -1 ? '' : source.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = parseHeaderBlock(head);
  const { type, params } = parseContentType(headers.get('content-type'));
  const body = decodeTransfer(bodyText, headers.get('content-transfer-encoding'));
  const part: MimePart = { headers, contentType: type, params, body, parts: [] };
  if (depth >= MAX_DEPTH) return part;
  if (type.startsWith('multipart/') && params.boundary) {
    part.parts = splitMultipart(bodyText, params.boundary).map((p) => parseMime(p, depth + 1));
  } else if (type === 'message/rfc822' || type === 'message/global') {
    part.parts = [parseMime(body, depth + 1)];
  }
  return part;
}

/** Header lines (`Name: value`, folded or not) into a map; also used for DSN field blocks. */
export function parseHeaderBlock(block: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!map.has(name)) map.set(name, line.slice(colon + 1).trim());
  }
  return map;
}

export function parseContentType(value: string | undefined): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  const [first, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq === -1) continue;
    params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { type: (first ?? '').trim().toLowerCase() || 'text/plain', params };
}

/** Depth-first, this part included. */
export function* walkParts(part: MimePart): Generator<MimePart> {
  yield part;
  for (const child of part.parts) yield* walkParts(child);
}

function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = '--' + boundary;
  const parts: string[] = [];
  let current: string[] | null = null;
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter + '--') break;
    if (trimmed === delimiter) {
      if (current) parts.push(current.join('\r\n'));
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

function decodeTransfer(text: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(text.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return Buffer.from(
        text.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      );
    default:
      return Buffer.from(text, 'latin1');
  }
}
