import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalidLinkPage, unsubscribeConfirmPage, unsubscribedPage } from './pages.js';
import { findStoredLink, recordClick } from './record-click.js';
import { recordOpen, type TrackingRequest } from './record-open.js';
import { trackingKeys, verifyTrackingToken } from './tokens.js';
import { findUnsubscribeTarget, maskEmail, unsubscribeContact } from './unsubscribe-contact.js';

/** A transparent 1x1 GIF (43 bytes). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
const NO_STORE = 'no-store, no-cache, must-revalidate, max-age=0';
const perMinute = (max: number) => ({ max, timeWindow: '1 minute' });
const tags = ['tracking'];

type TokenRequest = FastifyRequest<{ Params: { token: string } }>;

const trackingRequest = (request: FastifyRequest): TrackingRequest => ({
  userAgent: request.headers['user-agent'] ?? null,
  ip: request.ip ?? null,
  method: request.method,
});

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.status(status).header('cache-control', NO_STORE).header('x-robots-tag', 'noindex').type('text/html; charset=utf-8').send(body);

/**
 * Unsubscribe, open and click endpoints, outside /api/v1 and on any host (a workspace's tracking
 * domain is a CNAME to us). They declare no `access` rule on purpose: the signed token is the only
 * credential, so neither session lookups nor CSRF apply; a recipient signed in to MessageSender in
 * the same browser must still be able to unsubscribe. Mail providers POST the RFC 8058 one-click
 * request from shared addresses, so limits are per IP but generous.
 */
export async function trackingRoutes(app: FastifyInstance) {
  const { deps } = app;
  const keys = trackingKeys(deps.config.secrets);

  // RFC 8058 bodies come as application/x-www-form-urlencoded or multipart/form-data; the POST
  // itself is the request, so in this scope any small body is accepted and not interpreted.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 8 * 1024 }, (_request, body, done) => done(null, body));

  app.get('/u/:token', {
    schema: { tags, summary: 'Unsubscribe confirmation page (changes nothing)' },
    config: { rateLimit: perMinute(120) },
  }, async (request: TokenRequest, reply) => {
    const claim = verifyTrackingToken(keys, 'u', request.params.token);
    const target = claim ? await findUnsubscribeTarget(deps.db, claim.messageId) : null;
    if (!target) return html(reply, 404, invalidLinkPage());
    return html(reply, 200, unsubscribeConfirmPage({ maskedEmail: maskEmail(target.email), workspaceName: target.workspaceName }));
  });

  app.post('/u/:token', {
    schema: { tags, summary: 'RFC 8058 one-click unsubscribe (no auth, no redirect)' },
    config: { rateLimit: perMinute(300) },
  }, async (request: TokenRequest, reply) => {
    const claim = verifyTrackingToken(keys, 'u', request.params.token);
    // The page's form sends a browser's Origin/Referer; mail providers' one-click POSTs do not.
    const source = request.headers.origin || request.headers.referer ? 'page' : 'one-click';
    const result = claim ? await unsubscribeContact(deps.db, claim.messageId, source) : null;
    if (!result) return html(reply, 404, invalidLinkPage());
    if (result.changed) request.log.info({ contactId: result.target.contactId, campaignId: result.target.campaignId, source }, 'contact unsubscribed');
    return html(reply, 200, unsubscribedPage({ maskedEmail: maskEmail(result.target.email), workspaceName: result.target.workspaceName }));
  });

  app.get('/t/o/:token', {
    schema: { tags, summary: 'Open pixel (always a 1x1 GIF)' },
    config: { rateLimit: perMinute(1200) },
  }, async (request: TokenRequest, reply) => {
    const claim = verifyTrackingToken(keys, 'o', request.params.token);
    if (claim) {
      // The image is what the mail client asked for; a recording failure must not break it.
      await recordOpen(deps.db, claim.messageId, trackingRequest(request)).catch((err: Error) => request.log.error({ err }, 'recording an open failed'));
    }
    return reply.header('cache-control', NO_STORE).header('pragma', 'no-cache').type('image/gif').send(PIXEL_GIF);
  });

  app.get('/t/c/:token', {
    schema: { tags, summary: 'Click redirect to a link stored with the message' },
    config: { rateLimit: perMinute(600) },
  }, async (request: TokenRequest, reply) => {
    const claim = verifyTrackingToken(keys, 'c', request.params.token);
    const link = claim ? await findStoredLink(deps.db, claim.messageId, claim.position) : null;
    const target = link && URL.canParse(link.url) ? new URL(link.url) : null;
    const location = target && (target.protocol === 'https:' || target.protocol === 'http:') ? target.href : null;
    if (!claim || !link || !location) return html(reply, 404, invalidLinkPage());
    await recordClick(deps.db, { ...link, messageId: claim.messageId, position: claim.position }, trackingRequest(request))
      .catch((err: Error) => request.log.error({ err }, 'recording a click failed'));
    return reply.header('cache-control', NO_STORE).redirect(location, 302);
  });
}
