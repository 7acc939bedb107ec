import { parse, type Options } from 'csv-parse';
import type { Readable } from 'node:stream';

/** Picks `;` or `,` (or tab) by which splits the header line, outside quotes, most often. */
export function detectDelimiter(head: Buffer): string {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  let inQuotes = false;
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === '\n') break;
    else if (!inQuotes && ch in counts) counts[ch]!++;
  }
  const [best] = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return best && best[1] > 0 ? best[0] : ',';
}

export function csvOptions(delimiter: string, extra: Options = {}): Options {
  return { bom: true, delimiter, relax_quotes: false, trim: true, skip_empty_lines: true, max_record_size: 1024 * 1024, ...extra };
}

/** First rows of the file for the preview (header + up to `rows`). Throws on a malformed head. */
export async function readHead(stream: Readable, delimiter: string, rows = 10): Promise<string[][]> {
  const parser = stream.pipe(parse(csvOptions(delimiter, { to_line: rows + 1, relax_column_count: true })));
  const out: string[][] = [];
  for await (const record of parser) out.push(record as string[]);
  stream.destroy();
  return out;
}

export const BUILTIN_TARGETS = ['email', 'firstName', 'lastName', 'company', 'title', 'phone', 'timeZone', 'tags'] as const;

const ALIASES: Record<string, (typeof BUILTIN_TARGETS)[number]> = {
  email: 'email', emailaddress: 'email', mail: 'email', email1: 'email', workemail: 'email',
  firstname: 'firstName', first: 'firstName', givenname: 'firstName', fname: 'firstName', vorname: 'firstName', prenom: 'firstName',
  lastname: 'lastName', last: 'lastName', surname: 'lastName', familyname: 'lastName', lname: 'lastName', nachname: 'lastName', nom: 'lastName',
  company: 'company', companyname: 'company', organization: 'company', organisation: 'company', account: 'company', firma: 'company',
  title: 'title', jobtitle: 'title', position: 'title', role: 'title',
  phone: 'phone', phonenumber: 'phone', mobile: 'phone', telephone: 'phone', tel: 'phone',
  timezone: 'timeZone', tz: 'timeZone', time_zone: 'timeZone',
  tags: 'tags', tag: 'tags', labels: 'tags',
};

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Suggests a target for each header: a built-in field, `custom.<key>`, or '' (ignored). */
export function autoMap(headers: string[], customFields: { key: string; label: string }[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  const used = new Set<string>();
  for (const header of headers) {
    const h = squash(header);
    const custom = customFields.find((f) => squash(f.key) === h || squash(f.label) === h);
    const target = ALIASES[h] ?? (custom ? `custom.${custom.key}` : '');
    mapping[header] = target && !used.has(target) ? target : '';
    if (target) used.add(target);
  }
  return mapping;
}
