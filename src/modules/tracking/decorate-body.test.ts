import { describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { decorateBody, type DecorateBodyInput } from './decorate-body.js';
import { detectAutomated } from './detect-automated.js';
import { trackingKeys, verifyTrackingToken } from './tokens.js';
import { trackingBaseUrl } from './tracking-url.js';
import { isUnsubscribeRequestEmail, unsubscribeMailto } from './unsubscribe-email.js';

const keys = trackingKeys({ encryptionKeys: { k1: randomBytes(32).toString('base64') }, encryptionKeyId: 'k1' });
const BASE = 'https://track.acme.dev';
const TOKEN = '([A-Za-z0-9_-]+)';

function decorate(overrides: Partial<DecorateBodyInput> = {}) {
  const messageId = overrides.messageId ?? randomUUID();
  const out = decorateBody({
    text: 'Hi Jane,\nsee https://acme.dev/pricing.\nBye',
    html: '<html><body><p>Hi Jane</p></body></html>',
    messageId,
    keys,
    baseUrl: BASE,
    trackClicks: true,
    trackOpens: true,
    postalAddress: 'Acme Inc.\n1 Main Street, Springfield',
    unsubscribeMailto: 'jane.sender@acme.dev',
    ...overrides,
  });
  return { ...out, messageId };
}

/** The token of every /t/c/ URL in `s`, in order, verified. */
function clickClaims(s: string) {
  return [...s.matchAll(new RegExp(`${BASE}/t/c/${TOKEN}`, 'g'))].map((m) => verifyTrackingToken(keys, 'c', m[1]!));
}

describe('decorateBody: compliance footer and headers', () => {
  it('adds the postal address and a visible unsubscribe link to the text and the HTML part', () => {
    const out = decorate();
    const token = new RegExp(`^${BASE}/u/${TOKEN}$`).exec(out.unsubscribeUrl)![1]!;
    expect(verifyTrackingToken(keys, 'u', token)).toEqual({ kind: 'u', messageId: out.messageId });

    expect(out.text.endsWith(`Bye\n\nAcme Inc.\n1 Main Street, Springfield\nUnsubscribe: ${out.unsubscribeUrl}\n`)).toBe(true);
    expect(out.html).toContain('Acme Inc.<br>1 Main Street, Springfield<br>');
    expect(out.html).toContain(`<a href="${out.unsubscribeUrl}" style="color:#888888;text-decoration:underline;">Unsubscribe</a>`);
    // The footer sits inside the body, before </body>.
    expect(out.html!.indexOf('Acme Inc.')).toBeLessThan(out.html!.indexOf('</body>'));
    expect(out.html!.endsWith('</body></html>')).toBe(true);
  });

  it('emits exactly the RFC 8058 headers: https URI and mailto, plus One-Click', () => {
    const out = decorate();
    expect(out.listUnsubscribeHeaders).toEqual({
      'List-Unsubscribe': `<${out.unsubscribeUrl}>, <mailto:jane.sender@acme.dev?subject=unsubscribe>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(decorate({ unsubscribeMailto: 'mailto:list@acme.dev?subject=unsubscribe' }).listUnsubscribeHeaders['List-Unsubscribe']).toMatch(/, <mailto:list@acme\.dev\?subject=unsubscribe>$/);
  });

  it('never lets an inbox address inject a header or break out of the angle brackets', () => {
    for (const evil of ['a@b.c\r\nBcc: x@y.z', 'a@b.c>, <https://evil.example', 'a b@c.d', 'mailto:a@b.c\nX: y']) {
      const header = decorate({ unsubscribeMailto: evil }).listUnsubscribeHeaders['List-Unsubscribe'];
      expect(header).not.toMatch(/[\r\n]/);
      expect(header).not.toContain('evil');
      expect(header).toMatch(/^<https:\/\/track\.acme\.dev\/u\/[A-Za-z0-9_-]+>$/);
    }
  });

  it('escapes the postal address and the link wording in HTML, and keeps them verbatim in text', () => {
    const out = decorate({ postalAddress: 'Acme "R&D" <script>alert(1)</script>', unsubscribeLabel: 'Stop <b>these</b>' });
    expect(out.html).toContain('Acme &quot;R&amp;D&quot; &lt;script&gt;alert(1)&lt;/script&gt;<br>');
    expect(out.html).toContain('>Stop &lt;b&gt;these&lt;/b&gt;</a>');
    expect(out.html).not.toContain('<script>');
    expect(out.text).toContain('Acme "R&D" <script>alert(1)</script>\nStop <b>these</b>: https://');
  });

  it('appends the footer when the HTML has no </body>, before the last one when it has several', () => {
    expect(decorate({ html: '<p>Hi</p>', trackOpens: false }).html).toMatch(/^<p>Hi<\/p><div style="[^"]*">Acme Inc\.<br>.*<\/a><\/div>$/);
    const html = decorate({ html: '<body><p>a</p></body><p>x</p></BODY >', trackOpens: false }).html!;
    expect(html).toMatch(/^<body><p>a<\/p><\/body><p>x<\/p><div .*<\/div><\/BODY >$/);
  });

  it('leaves a text-only message text-only', () => {
    const out = decorate({ html: null });
    expect(out.html).toBeNull();
    expect(out.text).toContain(`Unsubscribe: ${out.unsubscribeUrl}`);
  });
});

describe('decorateBody: open tracking', () => {
  it('puts a 1x1 pixel naming the message in the HTML only', () => {
    const out = decorate();
    const m = new RegExp(`<img src="${BASE}/t/o/${TOKEN}" width="1" height="1" alt="" style="[^"]*">`).exec(out.html!);
    expect(m).not.toBeNull();
    expect(verifyTrackingToken(keys, 'o', m![1]!)).toEqual({ kind: 'o', messageId: out.messageId });
    expect(out.text).not.toContain('/t/o/');
  });

  it('adds no pixel when opens are not tracked', () => {
    expect(decorate({ trackOpens: false }).html).not.toContain('<img');
  });
});

describe('decorateBody: click tracking', () => {
  const html = [
    '<html><body>',
    '<a class="btn" href="https://acme.dev/demo?a=1&amp;b=2" target="_blank">Demo</a>',
    '<a href="mailto:jane@acme.dev">mail</a> <a href="tel:+15551234">call</a> <a href="#top">top</a> <a href="/relative">rel</a>',
    `<a href="${BASE}/u/already-an-unsubscribe-link">unsub</a>`,
    "<A HREF='http://ACME.dev/Caps'>caps</A> <a data-href=\"https://not.a/link\" title='x href=\"https://nope.example\"' href=https://acme.dev/unquoted>u</a>",
    '<a href="https://acme.dev/demo?a=1&amp;b=2">again</a> <area shape="rect" href="https://acme.dev/map">',
    '<abbr title="https://acme.dev/abbr">x</abbr> <a href="javascript:alert(1)">js</a> <a>no href</a>',
    '</body></html>',
  ].join('\n');

  it('rewrites http(s) hrefs to signed click URLs and returns the original URLs by position', () => {
    const out = decorate({ html, text: 'Visit https://acme.dev/demo?a=1&b=2 or (https://en.wikipedia.org/wiki/Foo_(bar)), https://acme.dev/text.' });
    expect(out.links).toEqual([
      { position: 0, url: 'https://acme.dev/demo?a=1&b=2' },
      { position: 1, url: 'https://en.wikipedia.org/wiki/Foo_(bar)' },
      { position: 2, url: 'https://acme.dev/text' },
      { position: 3, url: 'http://ACME.dev/Caps' },
      { position: 4, url: 'https://acme.dev/unquoted' },
      { position: 5, url: 'https://acme.dev/map' },
    ]);
    const h = out.html!;
    expect(clickClaims(h).map((c) => c?.position)).toEqual([0, 3, 4, 0, 5]);
    expect(clickClaims(h).every((c) => c?.messageId === out.messageId)).toBe(true);
    // Other attributes of the tag stay as they were.
    expect(h).toMatch(new RegExp(`<a class="btn" href="${BASE}/t/c/${TOKEN}" target="_blank">Demo</a>`));
    expect(h).toMatch(/<a data-href="https:\/\/not\.a\/link" title='x href="https:\/\/nope\.example"' href="https:\/\/track/);

    // The text part shares positions with the HTML and keeps the sentence punctuation.
    expect(out.text).toMatch(new RegExp(`^Visit ${BASE}/t/c/${TOKEN} or \\(${BASE}/t/c/${TOKEN}\\), ${BASE}/t/c/${TOKEN}\\.\\n`));
    expect(clickClaims(out.text).map((c) => c?.position)).toEqual([0, 1, 2]);
  });

  it('keeps mailto:, tel:, anchors, relative and script links and our own unsubscribe links', () => {
    const h = decorate({ html }).html!;
    for (const kept of ['href="mailto:jane@acme.dev"', 'href="tel:+15551234"', 'href="#top"', 'href="/relative"', `href="${BASE}/u/already-an-unsubscribe-link"`, 'href="javascript:alert(1)"', '<abbr title="https://acme.dev/abbr">', '<a>no href</a>']) {
      expect(h).toContain(kept);
    }
    // The footer's unsubscribe link is not a click link either.
    expect(h).toMatch(new RegExp(`<a href="${BASE}/u/${TOKEN}" style=`));
    expect(h).not.toMatch(/\/t\/c\/[^"]*"[^>]*>Unsubscribe</);
  });

  it('escapes what it writes into attributes', () => {
    const out = decorate({ text: 'plain', html: `<a href='https://acme.dev/?q="x"&lt;y'>q</a>`, baseUrl: 'https://t.acme.dev' });
    expect(out.links).toEqual([{ position: 0, url: 'https://acme.dev/?q="x"<y' }]);
    expect(out.html).toMatch(/^<a href="https:\/\/t\.acme\.dev\/t\/c\/[A-Za-z0-9_-]+">q<\/a>/);
  });

  it('leaves every link alone when clicks are not tracked', () => {
    const out = decorate({ html, trackClicks: false, text: 'see https://acme.dev/x' });
    expect(out.links).toEqual([]);
    expect(out.html).toContain('href="https://acme.dev/demo?a=1&amp;b=2"');
    expect(out.text).toContain('see https://acme.dev/x');
    expect(out.html).not.toContain('/t/c/');
  });

  it('refuses a base URL that is not a plain http(s) URL', () => {
    expect(() => decorate({ baseUrl: 'javascript:alert(1)' })).toThrow();
    expect(() => decorate({ baseUrl: 'https://x.io/"><script>' })).toThrow();
  });
});

describe('trackingBaseUrl', () => {
  it('uses https on the workspace tracking domain, else PUBLIC_URL', () => {
    expect(trackingBaseUrl('https://app.example.com', 'Track.Acme.dev')).toBe('https://track.acme.dev');
    expect(trackingBaseUrl('https://app.example.com/', null)).toBe('https://app.example.com');
    expect(trackingBaseUrl('https://app.example.com', 'evil.com/"><x')).toBe('https://app.example.com');
    expect(trackingBaseUrl('https://app.example.com', 'a b.com')).toBe('https://app.example.com');
  });
});

describe('the mailto unsubscribe request', () => {
  it('builds the mailto and recognises the email it produces', () => {
    expect(unsubscribeMailto('Inbox@Acme.dev')).toBe('mailto:Inbox@Acme.dev?subject=unsubscribe');
    expect(unsubscribeMailto(null)).toBeNull();
    const to = [{ address: 'inbox@acme.dev' }];
    expect(isUnsubscribeRequestEmail({ subject: 'unsubscribe', to }, 'Inbox@Acme.dev')).toBe(true);
    expect(isUnsubscribeRequestEmail({ subject: '  Unsubscribe ', to }, 'inbox@acme.dev')).toBe(true);
    expect(isUnsubscribeRequestEmail({ subject: 'Re: unsubscribe me from nothing', to }, 'inbox@acme.dev')).toBe(false);
    expect(isUnsubscribeRequestEmail({ subject: 'unsubscribe', to: [{ address: 'other@acme.dev' }] }, 'inbox@acme.dev')).toBe(false);
  });
});

describe('detectAutomated', () => {
  const sentAt = new Date('2030-01-01T10:00:00Z');
  const later = new Date('2030-01-01T11:00:00Z');
  const chrome = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 Safari/537.36';
  const check = (userAgent: string | null, over: Partial<{ method: string; sentAt: Date | null; now: Date }> = {}) =>
    detectAutomated({ userAgent, method: 'GET', sentAt, now: later, ...over });

  it('lets a person through, including Gmail and Yahoo image proxies (they fetch when the person opens)', () => {
    expect(check(chrome)).toBeNull();
    expect(check('Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)')).toBeNull();
    expect(check('YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html')).toBeNull();
  });

  it('flags image proxies, privacy proxies, scanners, libraries and bots', () => {
    expect(check('Mozilla/5.0')).toBe('apple-privacy-proxy');
    expect(check('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36 Edge/12.246 Mozilla/5.0')).toBe('outlook-proxy');
    for (const s of ['Barracuda Sentinel (EE)', 'Mimecast URL Protect', 'Proofpoint URL Defense']) expect(check(s)).toBe('security-scanner');
    for (const s of ['python-requests/2.31', 'curl/8.5.0', 'Go-http-client/1.1', 'Mozilla/5.0 HeadlessChrome/120']) expect(check(s)).toBe('http-library');
    expect(check('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')).toBe('bot');
    expect(check('')).toBe('no-user-agent');
    expect(check(null)).toBe('no-user-agent');
  });

  it('flags HEAD requests and anything within 2 seconds of the send', () => {
    expect(check(chrome, { method: 'HEAD' })).toBe('head-request');
    expect(check(chrome, { now: new Date(sentAt.getTime() + 1500) })).toBe('too-soon-after-send');
    expect(check(chrome, { now: new Date(sentAt.getTime() + 2500) })).toBeNull();
    expect(check(chrome, { sentAt: null })).toBe('before-sent');
  });
});
