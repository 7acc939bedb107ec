import { Resolver } from 'node:dns/promises';

export interface RecordCheck {
  status: 'pass' | 'fail';
  record: string | null;
  detail: string;
}

export interface DomainCheck {
  domain: string;
  selector: string | null;
  spf: RecordCheck;
  dkim: RecordCheck;
  dmarc: RecordCheck;
}

/** "host:port" entries; empty means the system resolver. Tests point this at a local DNS server. */
export function createResolver(servers: string[]): Resolver {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers.length) resolver.setServers(servers);
  return resolver;
}

async function txt(resolver: Resolver, name: string): Promise<{ records: string[]; error: string | null }> {
  try {
    return { records: (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')), error: null };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENODATA' || code === 'ENOTFOUND') return { records: [], error: null };
    return { records: [], error: `DNS lookup of ${name} failed (${code ?? (err as Error).message})` };
  }
}

function checkSpf(records: string[], error: string | null): RecordCheck {
  if (error) return { status: 'fail', record: null, detail: error };
  const spf = records.filter((r) => /^v=spf1(\s|$)/i.test(r));
  if (spf.length === 0) return { status: 'fail', record: null, detail: 'No SPF record (TXT "v=spf1 …") on the domain.' };
  if (spf.length > 1) return { status: 'fail', record: spf.join(' | '), detail: 'More than one SPF record: receivers treat that as a permanent error (RFC 7208 §4.5).' };
  if (/\s\+all(\s|$)/i.test(spf[0]!)) return { status: 'fail', record: spf[0]!, detail: '"+all" lets anyone send as this domain.' };
  return { status: 'pass', record: spf[0]!, detail: 'One SPF record found.' };
}

function checkDkim(selector: string | null, records: string[], error: string | null): RecordCheck {
  if (!selector) return { status: 'fail', record: null, detail: 'No DKIM selector configured for this account.' };
  if (error) return { status: 'fail', record: null, detail: error };
  const key = records.find((r) => /(^|;)\s*p=/i.test(r));
  if (!key) return { status: 'fail', record: null, detail: `No DKIM key at ${selector}._domainkey.` };
  if (/(^|;)\s*p=\s*(;|$)/i.test(key)) return { status: 'fail', record: key, detail: 'The DKIM key is empty (revoked).' };
  return { status: 'pass', record: key, detail: `DKIM key published for selector "${selector}".` };
}

function checkDmarc(records: string[], error: string | null): RecordCheck {
  if (error) return { status: 'fail', record: null, detail: error };
  const dmarc = records.find((r) => /^v=DMARC1/i.test(r));
  if (!dmarc) return { status: 'fail', record: null, detail: 'No DMARC record at _dmarc. (Gmail and Yahoo require one for bulk senders.)' };
  const policy = /(^|;)\s*p=\s*(none|quarantine|reject)/i.exec(dmarc)?.[2]?.toLowerCase();
  if (!policy) return { status: 'fail', record: dmarc, detail: 'The DMARC record has no valid p= policy.' };
  return { status: 'pass', record: dmarc, detail: `DMARC policy: ${policy}.` };
}

/** Looks up SPF, DKIM (for the selector) and DMARC for a sending domain, reporting each record found. */
export async function checkDomain(resolver: Resolver, domain: string, selector: string | null): Promise<DomainCheck> {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const [root, dkim, dmarc] = await Promise.all([
    txt(resolver, d),
    selector ? txt(resolver, `${selector}._domainkey.${d}`) : Promise.resolve({ records: [], error: null }),
    txt(resolver, `_dmarc.${d}`),
  ]);
  return { domain: d, selector, spf: checkSpf(root.records, root.error), dkim: checkDkim(selector, dkim.records, dkim.error), dmarc: checkDmarc(dmarc.records, dmarc.error) };
}
