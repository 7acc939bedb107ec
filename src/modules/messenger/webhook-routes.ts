import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../lib/problems.js';
import { safeEqual } from '../../lib/tokens.js';
import { requireMessenger } from './messenger-config.js';
import { kickProcessing } from './receive-webhook.js';
import { verifySignature } from './webhook-signature.js';
import { createWebhookWriter } from './webhook-writer.js';

const tags = ['messenger'];

/**
 * The Facebook webhook. Registered as its own plugin: the body parser here keeps the raw bytes
 * (the signature covers them exactly) and applies to these routes only.
 */
export async function messengerWebhookRoutes(app: FastifyInstance) {
  const { db, config, jobs, log } = app.deps;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const writer = createWebhookWriter(app.deps.database.sql);

  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/webhooks/facebook', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'Webhook verification: echoes hub.challenge when hub.verify_token matches FACEBOOK_VERIFY_TOKEN',
      querystring: z.object({ 'hub.mode': z.string().max(50).optional(), 'hub.verify_token': z.string().max(500).optional(), 'hub.challenge': z.string().max(500).optional() }),
    },
  }, async (request, reply) => {
    const { fb } = requireMessenger(config);
    const q = request.query;
    const expected = fb.verifyToken;
    const token = q['hub.verify_token'];
    const ok = q['hub.mode'] === 'subscribe' && expected !== null && token !== undefined && safeEqual(token, expected);
    if (!ok) throw new AppError(403, 'webhook-verification-failed', expected === null ? 'FACEBOOK_VERIFY_TOKEN is not set on this instance.' : 'hub.mode must be "subscribe" and hub.verify_token must match.');
    return reply.status(200).type('text/plain; charset=utf-8').send(q['hub.challenge'] ?? '');
  });

  r.post('/webhooks/facebook', {
    // Registered outside the browser-facing context (app.ts): no rate limit, helmet or session
    // hooks run here; Facebook delivers bursts from a few addresses and the signature is the gate.
    config: { access: 'signed' },
    // A busy page sends deliveries by the thousand: they are counted in /metrics
    // (messagesender_webhooks_received_total) rather than logged one by one; failures still are.
    logLevel: 'warn',
    schema: { tags, summary: 'Messenger events, signed with X-Hub-Signature-256; stored before the 200, processed in the background' },
  }, async (request, reply) => {
    const { fb } = requireMessenger(config);
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!verifySignature(fb.appSecret, raw, request.headers['x-hub-signature-256'])) {
      throw new AppError(403, 'invalid-signature', 'X-Hub-Signature-256 is missing or does not match the body (sha256 HMAC with the app secret).');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AppError(400, 'malformed-json', 'The webhook body is not valid JSON.');
    }
    const { stored } = await writer.store(payload);
    reply.status(200).type('text/plain; charset=utf-8').send('EVENT_RECEIVED');
    if (stored) kickProcessing(jobs, log);
    return reply;
  });
}

