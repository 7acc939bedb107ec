/**
 * Opens and clicks that no person made: image proxies and privacy proxies that fetch every
 * image when mail arrives, and security scanners that follow every link. They are recorded
 * (flagged `automated`, with the reason) but never count as an open or click of the contact.
 */

/** Anything this soon after the send is a machine: no person reads that fast. */
export const AUTOMATED_WINDOW_MS = 2000;

/** User-agent patterns, checked in order; the first match names the reason. */
const AGENT_PATTERNS: [reason: string, pattern: RegExp][] = [
  // The agent Microsoft's Outlook.com / Exchange Online fetches and link checks use.
  ['outlook-proxy', /Edge\/12\.246 Mozilla\/5\.0$|OutlookImageProxy|Microsoft Office Existence Discovery|Microsoft Office Protocol Discovery/i],
  ['security-scanner', /barracuda|mimecast|proofpoint|ironport|messagelabs|symantec|forcepoint|trend ?micro|sophos|fortinet|fortigate|mcafee|trellix|fireeye|zscaler|checkpoint|avanan|cloudmark|spamtitan|vadesecure|hornetsecurity|mailscanner/i],
  ['http-library', /^(?:curl|wget|python|java|go-http-client|okhttp|axios|node-fetch|undici|libwww-perl|lua-resty-http|ahc|apache-httpclient|ruby|php|guzzle|dart|scrapy)\b|python-requests|aiohttp|headlesschrome|phantomjs|dataaccessd/i],
  ['bot', /[a-z]bot\/|\bbot\b|spider|crawler|preview|facebookexternalhit|slurp|whatsapp|skypeuri|\+https?:\/\//i],
];

export interface AutomatedInput {
  userAgent: string | null | undefined;
  method: string;
  /** When the message went out; null while the send is still being recorded. */
  sentAt: Date | null;
  now: Date;
}

/**
 * The reason this request looks automated, or null for what looks like a person. Gmail's and
 * Yahoo's image proxies are not in the list on purpose: they fetch when the person opens the
 * message (then cache), so they are that person's open; Apple's relays fetch on delivery.
 */
export function detectAutomated(input: AutomatedInput): string | null {
  if (input.method === 'HEAD') return 'head-request';
  const agent = input.userAgent?.trim() ?? '';
  if (!agent) return 'no-user-agent';
  // Apple Mail Privacy Protection fetches through its relays with a bare "Mozilla/5.0".
  if (agent === 'Mozilla/5.0') return 'apple-privacy-proxy';
  for (const [reason, pattern] of AGENT_PATTERNS) if (pattern.test(agent)) return reason;
  if (!input.sentAt) return 'before-sent';
  if (input.now.getTime() - input.sentAt.getTime() < AUTOMATED_WINDOW_MS) return 'too-soon-after-send';
  return null;
}
