import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireWorkspace } from '../../http/context.js';
import { countUnread } from './count-conversations.js';
import { getConversationThread } from './get-conversation.js';
import { createInboxStreams } from './inbox-stream.js';
import { listConversations } from './list-conversations.js';
import { replyToConversation, retryReply } from './reply-to-conversation.js';
import {
  conversationListOut, conversationOut, conversationParams, countsOut, listQuery, messageParams, replyBody, replyOut, threadOut, threadQuery, updateBody,
} from './schemas.js';
import { updateConversation } from './update-conversation.js';

const tags = ['inbox'];
const read = { access: { permission: 'inbox.read' } } as const;
const write = { access: { permission: 'inbox.reply' } } as const;

/** The unified inbox: email replies and Messenger conversations in one list, one thread view, one reply box. */
export async function inboxRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { deps } = app;
  const ws = (request: Parameters<typeof requireWorkspace>[0]) => requireWorkspace(request).workspaceId;
  const viewer = (request: Parameters<typeof actorOf>[0]) => actorOf(request).userId ?? null;
  const streams = createInboxStreams(deps);
  app.addHook('preClose', async () => streams.closeAll());

  r.get('/conversations', {
    config: read,
    schema: {
      tags, summary: 'Conversations, newest first: filter by channel, inbox or page, campaign, status, unread, label, assignee or text; keyset-paginated',
      querystring: listQuery, response: { 200: conversationListOut },
    },
  }, async (request) => listConversations(deps.db, ws(request), request.query, viewer(request)));

  r.get('/conversations/counts', {
    config: read,
    schema: { tags, summary: 'Unread conversations in all, assigned to you, per channel and per label (the badges)', response: { 200: countsOut } },
  }, async (request) => countUnread(deps.db, ws(request), viewer(request)));

  r.get('/conversations/:id', {
    config: read,
    schema: {
      tags, summary: "The thread, the contact's history across channels and whether a reply may go now; marks it read unless markRead=false",
      params: conversationParams, querystring: threadQuery, response: { 200: threadOut },
    },
  }, async (request) => getConversationThread(deps, { workspaceId: ws(request), id: request.params.id, markRead: request.query.markRead }));

  r.patch('/conversations/:id', {
    config: write,
    schema: { tags, summary: 'Open or close, label, assign to a member (audited), mark read or unread', params: conversationParams, body: updateBody, response: { 200: conversationOut } },
  }, async (request) => updateConversation(deps, actorOf(request), { workspaceId: ws(request), id: request.params.id, patch: request.body }));

  r.post('/conversations/:id/reply', {
    // A person replying by hand; the limit is there against scripts looping on this route.
    config: { ...write, rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: {
      tags, summary: 'Reply through the conversation\'s channel: email threaded from its inbox, Messenger within its window (422 with the reason outside it)',
      params: conversationParams, body: replyBody, response: { 201: replyOut },
    },
  }, async (request, reply) => {
    const message = await replyToConversation(deps, { workspaceId: ws(request), id: request.params.id, body: request.body, userId: viewer(request) });
    return reply.status(201).send({ message });
  });

  r.post('/conversations/:id/messages/:messageId/retry', {
    config: { ...write, rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: { tags, summary: 'Send again a Messenger reply Facebook throttled', params: messageParams, response: { 200: replyOut } },
  }, async (request) => ({ message: await retryReply(deps, { workspaceId: ws(request), id: request.params.id, messageId: request.params.messageId }) }));

  r.get('/inbox/events', {
    config: read,
    schema: {
      tags, summary: 'Server-Sent Events: `conversation.updated` {conversationId} whenever a message lands or a conversation changes; heartbeat comments every 15 s',
      produces: ['text/event-stream'],
      response: { 200: z.string().describe('text/event-stream') },
    },
  }, async (request, reply) => streams.serve(reply, ws(request)));
}
