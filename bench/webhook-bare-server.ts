import Fastify from 'fastify';
import { verifySignature } from '../src/modules/messenger/webhook-signature.js';

/**
 * The webhook benchmark's baseline, run as its own process: a bare Fastify route that keeps the
 * raw body and checks X-Hub-Signature-256 exactly as the app does, then answers — no
 * persistence, no plugins, no logging.
 */
const appSecret = process.env.FACEBOOK_APP_SECRET ?? '';
const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/api/v1/webhooks/facebook', async (request, reply) => {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (!verifySignature(appSecret, raw, request.headers['x-hub-signature-256'])) return reply.status(403).send('invalid signature');
  return reply.status(200).type('text/plain; charset=utf-8').send('EVENT_RECEIVED');
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`bare webhook route listening at ${url}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
