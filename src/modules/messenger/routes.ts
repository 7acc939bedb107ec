import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireUser, requireWorkspace } from '../../http/context.js';
import { unsubscribeApp } from '../../channels/messenger/index.js';
import { idParams } from '../contacts/schemas.js';
import { assertWithinLimit } from '../billing/limits.js';
import { completePageConnect, ConnectFailure, startPageConnect } from './connect-pages.js';
import { requireMessenger } from './messenger-config.js';
import { disconnectPage, hasPageToReconnect, listPages } from './pages.js';

const tags = ['messenger'];
const pageOut = z.object({
  id: z.uuid(), pageId: z.string(), name: z.string(), status: z.enum(['active', 'reconnect_needed', 'disconnected']), statusReason: z.string().nullable(),
  subscribedFields: z.array(z.string()), createdAt: z.string(), updatedAt: z.string(),
});

/** Connecting Facebook Pages and listing them. */
export async function messengerRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config } = app.deps;

  r.get('/channels/facebook/oauth/start', {
    config: { access: { permission: 'pages.manage' } },
    schema: { tags, summary: 'Start "Connect Facebook Pages": the Facebook Login dialog URL to send the browser to', response: { 200: z.object({ url: z.string() }) } },
  }, async (request) => {
    const user = requireUser(request);
    const workspaceId = requireWorkspace(request).workspaceId;
    // No room for another page: 402 before Facebook Login, unless a page waits to be reconnected
    // (that takes no new place). Pages past the limit are also left out when the flow completes.
    if (config.billing && !(await hasPageToReconnect(db, workspaceId))) await assertWithinLimit(db, config, workspaceId, 'pages');
    return { url: await startPageConnect(db, config, { userId: user.userId, workspaceId }) };
  });

  r.get('/channels/facebook/oauth/callback', {
    config: { access: 'user' },
    schema: {
      tags, summary: 'Where Facebook Login sends the browser back; stores the pages and returns to the app',
      querystring: z.object({
        code: z.string().max(4096).optional(), state: z.string().max(200).optional(), error: z.string().max(200).optional(),
        error_code: z.string().max(50).optional(), error_reason: z.string().max(200).optional(), error_description: z.string().max(2000).optional(),
      }),
    },
  }, async (request, reply) => {
    requireMessenger(config);
    const back = new URL('/pages', config.publicUrl);
    try {
      const result = await completePageConnect(db, config, requireUser(request).userId, request.query);
      back.searchParams.set('workspaceId', result.workspaceId);
      back.searchParams.set('connected', String(result.connected));
      if (result.failed) back.searchParams.set('failed', String(result.failed));
      if (result.skipped.length) back.searchParams.set('skipped', String(result.skipped.length));
      if (result.limited.length) back.searchParams.set('limited', String(result.limited.length));
      request.log.info({ workspaceId: result.workspaceId, connected: result.connected, failed: result.failed }, 'facebook pages connected');
    } catch (err) {
      if (!(err instanceof ConnectFailure)) throw err;
      back.searchParams.set('error', err.code);
      back.searchParams.set('message', err.message);
    }
    return reply.redirect(back.toString());
  });

  r.get('/pages', {
    config: { access: { permission: 'pages.read' } },
    schema: { tags, summary: 'Connected Facebook Pages with their status (tokens never included)', response: { 200: z.object({ items: z.array(pageOut) }) } },
  }, async (request) => ({ items: await listPages(db, requireWorkspace(request).workspaceId) }));

  r.delete('/pages/:id', {
    config: { access: { permission: 'pages.manage' } },
    schema: { tags, summary: 'Disconnect a page: its token is forgotten, its conversations stay', params: idParams },
  }, async (request, reply) => {
    const { row, token, sharedElsewhere } = await disconnectPage(db, config.secrets, requireWorkspace(request).workspaceId, request.params.id);
    // Stop deliveries too, unless another workspace still uses the page; a failure here is not the user's problem.
    if (token && !sharedElsewhere && config.facebook) {
      const res = await unsubscribeApp(requireMessenger(config).graph, row.pageId, token);
      if (!res.ok) request.log.info({ pageId: row.id, code: res.code }, 'could not unsubscribe the app from the page');
    }
    return reply.status(204).send();
  });
}
