import type { FastifyInstance } from 'fastify';
import { receiveStripeEvent, verifyStripeEvent } from './receive-stripe-event.js';

/**
 * POST /api/v1/webhooks/stripe. Its own plugin, like the Facebook webhook: the body parser here
 * keeps the raw bytes the signature covers, and applies to this route only. Registered only when
 * billing is configured.
 */
export async function stripeWebhookRoutes(app: FastifyInstance) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/webhooks/stripe', {
    // Stripe retries from a few addresses; the signature is the gate.
    config: { access: 'signed' },
    schema: { tags: ['billing'], summary: 'Stripe events, signed with Stripe-Signature (300 s tolerance); deduplicated by event id' },
  }, async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const event = verifyStripeEvent(app.deps, raw, request.headers['stripe-signature']);
    const result = await receiveStripeEvent(app.deps, event);
    request.log.info({ stripeEvent: result.eventId, type: result.type, outcome: result.outcome, workspaceId: result.workspaceId }, 'stripe event');
    return reply.status(200).send({ received: true, outcome: result.outcome });
  });
}
