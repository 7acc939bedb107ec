import { decodeAttribute, escapeHtml } from './html.js';
import { MAX_LINK_POSITION, signTrackingToken, type TrackingKeys } from './tokens.js';
import { unsubscribeMailto } from './unsubscribe-email.js';

export interface DecorateBodyInput {
  /** Rendered plain-text part. */
  text: string;
  /** Rendered HTML part, or null for a text-only message. */
  html: string | null;
  /** messages.id: every token names it. */
  messageId: string;
  keys: TrackingKeys;
  /** https://<tracking domain> or PUBLIC_URL, no trailing slash (see trackingBaseUrl). */
  baseUrl: string;
  trackClicks: boolean;
  trackOpens: boolean;
  /** The workspace's postal address; line breaks are kept. */
  postalAddress: string;
  /** The sending inbox address (or a ready mailto: URI) for the mailto half of List-Unsubscribe. */
  unsubscribeMailto: string | null;
  /** Link text of the visible unsubscribe link. */
  unsubscribeLabel?: string;
}

export interface TrackedLink {
  position: number;
  url: string;
}

export interface ListUnsubscribeHeaders {
  'List-Unsubscribe': string;
  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click';
}

export interface DecoratedBody {
  text: string;
  html: string | null;
  /** Original URLs by position: store them in message_links; the click route redirects only to these. */
  links: TrackedLink[];
  unsubscribeUrl: string;
  listUnsubscribeHeaders: ListUnsubscribeHeaders;
}

// Compiled once: this runs for every message a campaign sends.
/** An <a> or <area> start tag (quoted attribute values may hold '>'), or a </body> end tag. */
const TAG_RE = /<(?:a|area)\b(?:[^>"']|"[^"]*"|'[^']*')*>|<\/body\s*>/gi;
/** One attribute inside a start tag, read from lastIndex (sticky). */
const ATTR_RE = /[\s/]*([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/y;
const TEXT_URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const HTTP_RE = /^https?:\/\//i;
/** Browsers drop tabs and line breaks inside URLs. */
const URL_BREAKS_RE = /[\t\n\r]/g;
const TRAILING_PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?', "'", '"', '*', ']', '}', '>']);
const UNSAFE_BASE_RE = /[\s<>"'\\]/;
const NEWLINE_RE = /\r?\n/g;

const FOOTER_STYLE = 'margin-top:24px;font-size:12px;line-height:1.5;color:#888888;';
const LINK_STYLE = 'color:#888888;text-decoration:underline;';
const PIXEL_STYLE = 'display:block;width:1px;height:1px;border:0;margin:0;padding:0;';

type Track = (rawUrl: string) => string | null;

/**
 * Adds what every campaign email must carry and what tracking needs, in one pass over the HTML:
 * a footer with the postal address and a visible unsubscribe link (text and HTML parts), click
 * tracking (http(s) links become /t/c/<token>; mailto:, tel:, anchors and our own links stay),
 * an open pixel (HTML only) and the RFC 8058 List-Unsubscribe headers.
 */
export function decorateBody(input: DecorateBodyInput): DecoratedBody {
  const base = input.baseUrl.replace(/\/+$/, '');
  if (!HTTP_RE.test(base) || UNSAFE_BASE_RE.test(base)) throw new Error(`tracking base URL "${input.baseUrl}" is not a plain http(s) URL`);
  const unsubscribeUrl = `${base}/u/${signTrackingToken(input.keys, { kind: 'u', messageId: input.messageId })}`;
  const label = input.unsubscribeLabel?.trim() || 'Unsubscribe';
  const postal = input.postalAddress.trim();
  const links: TrackedLink[] = [];
  const track = input.trackClicks ? linkTracker(input, base, links) : null;

  const textBody = track ? input.text.replace(TEXT_URL_RE, (found) => rewriteTextUrl(found, track)) : input.text;
  const text = `${textBody.trimEnd()}\n\n${postal ? `${postal}\n` : ''}${label}: ${unsubscribeUrl}\n`;

  let html: string | null = null;
  if (input.html !== null) {
    const postalHtml = postal ? `${escapeHtml(postal).replace(NEWLINE_RE, '<br>')}<br>` : '';
    let footer = `<div style="${FOOTER_STYLE}">${postalHtml}<a href="${escapeHtml(unsubscribeUrl)}" style="${LINK_STYLE}">${escapeHtml(label)}</a></div>`;
    if (input.trackOpens) {
      const pixel = `${base}/t/o/${signTrackingToken(input.keys, { kind: 'o', messageId: input.messageId })}`;
      footer += `<img src="${escapeHtml(pixel)}" width="1" height="1" alt="" style="${PIXEL_STYLE}">`;
    }
    html = rewriteHtml(input.html, track, footer);
  }

  const mailto = unsubscribeMailto(input.unsubscribeMailto);
  return {
    text,
    html,
    links,
    unsubscribeUrl,
    listUnsubscribeHeaders: {
      'List-Unsubscribe': mailto ? `<${unsubscribeUrl}>, <${mailto}>` : `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

/** Numbers each distinct URL once (text and HTML share positions) and returns its tracked URL. */
function linkTracker(input: DecorateBodyInput, base: string, links: TrackedLink[]): Track {
  const tracked = new Map<string, string | null>();
  const ownUnsubscribe = `${base}/u/`;
  const ownTracking = `${base}/t/`;
  return (rawUrl) => {
    const seen = tracked.get(rawUrl);
    if (seen !== undefined) return seen;
    const url = rawUrl.trim().replace(URL_BREAKS_RE, '');
    const known = tracked.get(url);
    if (known !== undefined) {
      tracked.set(rawUrl, known);
      return known;
    }
    let result: string | null = null;
    if (HTTP_RE.test(url) && !url.startsWith(ownUnsubscribe) && !url.startsWith(ownTracking) && URL.canParse(url) && links.length <= MAX_LINK_POSITION) {
      const position = links.length;
      links.push({ position, url });
      result = `${base}/t/c/${signTrackingToken(input.keys, { kind: 'c', messageId: input.messageId, position })}`;
    }
    tracked.set(url, result);
    tracked.set(rawUrl, result);
    return result;
  };
}

/** A bare URL in text, minus the sentence punctuation after it ("see https://x.io/a.", "(https://x.io)"). */
function rewriteTextUrl(found: string, track: Track): string {
  let end = found.length;
  let unbalanced = -1;
  while (end > 0) {
    const c = found[end - 1]!;
    if (TRAILING_PUNCTUATION.has(c)) end--;
    else if (c === ')') {
      // A closing parenthesis belongs to the URL only if the URL opened one ("…/Foo_(bar)").
      if (unbalanced < 0) unbalanced = countChar(found, 41, end) - countChar(found, 40, end);
      if (unbalanced <= 0) break;
      unbalanced--;
      end--;
    } else break;
  }
  const tracked = track(end === found.length ? found : found.slice(0, end));
  return tracked ? tracked + found.slice(end) : found;
}

function countChar(s: string, code: number, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (s.charCodeAt(i) === code) n++;
  return n;
}

/** Walks the start tags of links and the </body> tag once; the footer goes before the last </body>. */
function rewriteHtml(html: string, track: Track | null, footer: string): string {
  const out: string[] = [];
  let copied = 0;
  let bodyClose = -1;
  TAG_RE.lastIndex = 0;
  for (let m = TAG_RE.exec(html); m; m = TAG_RE.exec(html)) {
    const tag = m[0];
    const isBodyClose = tag.charCodeAt(1) === 47;
    const replacement = isBodyClose ? tag : track ? rewriteAnchor(tag, track) : tag;
    if (!isBodyClose && replacement === tag) continue;
    out.push(html.slice(copied, m.index));
    if (isBodyClose) bodyClose = out.length;
    out.push(replacement);
    copied = m.index + tag.length;
  }
  out.push(html.slice(copied));
  if (bodyClose >= 0) out.splice(bodyClose, 0, footer);
  else out.push(footer);
  return out.join('');
}

function rewriteAnchor(tag: string, track: Track): string {
  // Attributes start after "<a" or "<area".
  const c2 = tag.charCodeAt(2) | 0x20;
  ATTR_RE.lastIndex = c2 >= 97 && c2 <= 122 ? 5 : 2;
  for (let m = ATTR_RE.exec(tag); m; m = ATTR_RE.exec(tag)) {
    if (m[1]!.toLowerCase() !== 'href') continue;
    const tracked = track(decodeAttribute(m[2] ?? m[3] ?? m[4] ?? ''));
    if (!tracked) return tag;
    return `${tag.slice(0, m.index)} href="${escapeHtml(tracked)}"${tag.slice(m.index + m[0].length)}`;
  }
  return tag;
}
