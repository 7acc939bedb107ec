import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireWorkspace } from '../../../http/context.js';
import { assertQuotaLeft } from '../../billing/quota.js';
import { idParams } from '../../contacts/schemas.js';
import { requireMessenger } from '../messenger-config.js';
import { BROADCAST_TAGS } from './broadcast-window.js';
import { createBroadcast } from './create-broadcast.js';
import { getBroadcast, RECIPIENT_STATUSES } from './get-broadcast.js';
import { listBroadcasts } from './list-broadcasts.js';

const tags = ['messenger'];
const countsOut = z.object({ recipients: z.number(), pending: z.number(), sending: z.number(), sent: z.number(), skipped: z.number(), failed: z.number() });
const recipientOut = z.object({
  contactId: z.uuid(), name: z.string().nullable(), status: z.enum(RECIPIENT_STATUSES), reason: z.string().nullable(), attempts: z.number(),
  mid: z.string().nullable(), sentAt: z.string().nullable(),
});
const broadcastOut = z.object({
  id: z.uuid(),
  page: z.object({ id: z.uuid(), name: z.string(), status: z.string(), statusReason: z.string().nullable() }),
  segment: z.object({ id: z.uuid(), name: z.string().nullable() }).nullable(),
  list: z.object({ id: z.uuid(), name: z.string().nullable() }).nullable(),
  text: z.string(), tag: z.string().nullable(), status: z.enum(['queued', 'sending', 'finished', 'failed']), pausedReason: z.string().nullable(),
  createdBy: z.string().nullable(), createdAt: z.string(), finishedAt: z.string().nullable(),
  counts: countsOut,
  recipients: z.object({ items: z.array(recipientOut), nextCursor: z.string().nullable() }).optional(),
});
const createBody = z.object({
  pageId: z.uuid(),
  segmentId: z.uuid().nullish(),
  listId: z.uuid().nullish(),
  text: z.string().max(20_000),
  tag: z.string().max(50).nullish().describe(`Only for people outside the 24-hour window, and only for a non-promotional update of its kind: ${BROADCAST_TAGS.join(', ')}`),
});

/** Messenger broadcasts: a message to a segment or list of a page's subscribers, within Messenger's rules. */
export async function broadcastRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config } = app.deps;

  r.post('/broadcasts', {
    config: { access: { permission: 'broadcasts.send' } },
    schema: {
      tags, body: createBody, response: { 201: broadcastOut },
      summary: 'Broadcast to a segment or list of a page\'s subscribers: people inside the 24-hour window get it (UPDATE), others only with a permitted tag (MESSAGE_TAG); the rest are skipped with the reason',
    },
  }, async (request, reply) => {
    const { workspaceId } = requireWorkspace(request);
    // Nothing left of this month's message quota: 402 with the upgrade link rather than a broadcast that pauses at once.
    await assertQuotaLeft(app.deps.db, app.deps.config, workspaceId);
    const view = await createBroadcast(app.deps, { workspaceId, userId: actorOf(request).userId ?? null, ...request.body });
    return reply.status(201).send(view);
  });

  r.get('/broadcasts', {
    config: { access: { permission: 'pages.read' } },
    schema: {
      tags, summary: 'Broadcasts, newest first, with sent / skipped / failed / pending counts',
      querystring: z.object({ cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(100).default(25) }),
      response: { 200: z.object({ items: z.array(broadcastOut), nextCursor: z.string().nullable() }) },
    },
  }, async (request) => {
    requireMessenger(config);
    return listBroadcasts(db, config, requireWorkspace(request).workspaceId, request.query);
  });

  r.get('/broadcasts/:id', {
    config: { access: { permission: 'pages.read' } },
    schema: {
      tags, summary: 'A broadcast with its counts and its recipients (status and reason; status=skipped for the skip list), keyset-paged',
      params: idParams,
      querystring: z.object({ status: z.enum(RECIPIENT_STATUSES).optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: { 200: broadcastOut },
    },
  }, async (request) => {
    requireMessenger(config);
    return getBroadcast(db, requireWorkspace(request).workspaceId, request.params.id, request.query, config);
  });
}
