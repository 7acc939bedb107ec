import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireUser, requireWorkspace } from '../../http/context.js';
import { roleEnum, workspaceOut } from '../auth/schemas.js';
import { acceptInvite, createInvite, describeInvite, listInvites, revokeInvite } from './invites.js';
import { changeMemberRole, listMembers, removeMember } from './members.js';
import { createWorkspace, getWorkspace, listUserWorkspaces, switchWorkspace, updateWorkspace } from './workspaces.js';

const tags = ['workspaces'];
const workspaceName = z.string().trim().min(1, { error: 'is required' }).max(100, { error: 'must be at most 100 characters' });
const idParams = z.object({ id: z.uuid({ error: 'must be a workspace id' }) });
/** The footer line every campaign email carries; line breaks are fine, other control characters are not. */
const postalAddress = z.string().trim().max(500, { error: 'must be at most 500 characters' })
  .refine((v) => v === '' || v.length >= 10, { error: 'is too short to be a postal address' })
  .refine((v) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(v), { error: 'must not contain control characters' });
const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
/** Open, click and unsubscribe links use this host (a CNAME to this server): a bare host name, no scheme, port or path. */
const trackingDomain = z.string().trim().toLowerCase()
  .refine((v) => v === '' || HOST_NAME.test(v.replace(/\.$/, '')), { error: 'must be a host name such as track.example.com (no scheme, port or path)' });
const memberOut = z.object({ userId: z.uuid(), email: z.string(), name: z.string(), role: roleEnum, joinedAt: z.string() });
const inviteOut = z.object({ id: z.uuid(), email: z.string(), role: roleEnum, createdAt: z.string(), expiresAt: z.string() });
const person = z.object({ id: z.uuid(), name: z.string(), email: z.string() });

export async function workspaceRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = app.deps;

  r.get('/workspaces', {
    config: { access: 'user' },
    schema: { tags, summary: 'Workspaces the user belongs to', response: { 200: z.object({ items: z.array(workspaceOut) }) } },
  }, async (request) => ({ items: await listUserWorkspaces(db, requireUser(request).userId) }));

  r.post('/workspaces', {
    config: { access: 'user' },
    schema: { tags, summary: 'Create a workspace (you become its owner)', body: z.object({ name: workspaceName }), response: { 201: workspaceOut } },
  }, async (request, reply) => {
    const auth = requireUser(request);
    return reply.status(201).send(await createWorkspace(db, { ...actorOf(request), userId: auth.userId }, request.body.name));
  });

  r.get('/workspaces/:id', {
    config: { access: { permission: 'workspace.read', workspaceParam: 'id' } },
    schema: { tags, summary: 'One workspace, with its sending settings', params: idParams, response: { 200: workspaceOut } },
  }, async (request) => getWorkspace(db, requireWorkspace(request)));

  r.patch('/workspaces/:id', {
    config: { access: { permission: 'workspace.update', workspaceParam: 'id' } },
    schema: {
      tags, summary: 'Rename a workspace or change its sending settings (postal address, tracking domain)', params: idParams,
      body: z.object({ name: workspaceName.optional(), postalAddress: postalAddress.nullable().optional(), trackingDomain: trackingDomain.nullable().optional() })
        .refine((b) => b.name !== undefined || b.postalAddress !== undefined || b.trackingDomain !== undefined, { error: 'give at least one of name, postalAddress, trackingDomain' }),
      response: { 200: workspaceOut },
    },
  }, async (request) => updateWorkspace(db, actorOf(request), requireWorkspace(request), request.body));

  r.post('/workspaces/:id/switch', {
    config: { access: { permission: 'workspace.read', workspaceParam: 'id' } },
    schema: { tags, summary: 'Make this the current workspace', params: idParams },
  }, async (request, reply) => {
    await switchWorkspace(db, requireUser(request).userId, request.params.id);
    return reply.status(204).send();
  });

  r.get('/workspaces/:id/members', {
    config: { access: { permission: 'members.read', workspaceParam: 'id' } },
    schema: { tags, summary: 'Members and their roles', params: idParams, response: { 200: z.object({ items: z.array(memberOut) }) } },
  }, async (request) => ({ items: await listMembers(db, requireWorkspace(request).workspaceId) }));

  r.patch('/workspaces/:id/members/:userId', {
    config: { access: { permission: 'members.changeRole', workspaceParam: 'id' } },
    schema: { tags, summary: 'Change a member\'s role (owners only)', params: idParams.extend({ userId: z.uuid() }), body: z.object({ role: roleEnum }), response: { 200: memberOut } },
  }, async (request) => changeMemberRole(db, requireWorkspace(request), actorOf(request), request.params.userId, request.body.role));

  r.delete('/workspaces/:id/members/:userId', {
    config: { access: { permission: 'members.remove', workspaceParam: 'id' } },
    schema: { tags, summary: 'Remove a member', params: idParams.extend({ userId: z.uuid() }) },
  }, async (request, reply) => {
    await removeMember(db, requireWorkspace(request), actorOf(request), request.params.userId);
    return reply.status(204).send();
  });

  r.get('/workspaces/:id/invites', {
    config: { access: { permission: 'members.read', workspaceParam: 'id' } },
    schema: { tags, summary: 'Pending invites', params: idParams, response: { 200: z.object({ items: z.array(inviteOut.extend({ invitedBy: person.nullable() })) }) } },
  }, async (request) => ({ items: await listInvites(db, requireWorkspace(request).workspaceId) }));

  r.post('/workspaces/:id/invites', {
    config: { access: { permission: 'members.invite', workspaceParam: 'id' }, rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: { tags, summary: 'Invite someone by email', params: idParams, body: z.object({ email: z.email({ error: 'must be a valid email address' }).max(254), role: roleEnum }), response: { 201: inviteOut } },
  }, async (request, reply) => reply.status(201).send(await createInvite(app.deps, requireWorkspace(request), actorOf(request), request.body)));

  r.delete('/workspaces/:id/invites/:inviteId', {
    config: { access: { permission: 'members.invite', workspaceParam: 'id' } },
    schema: { tags, summary: 'Revoke a pending invite', params: idParams.extend({ inviteId: z.uuid() }) },
  }, async (request, reply) => {
    await revokeInvite(db, requireWorkspace(request), actorOf(request), request.params.inviteId);
    return reply.status(204).send();
  });

  r.get('/invites/:token', {
    config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: {
      tags, summary: 'What an invite link is for', params: z.object({ token: z.string().min(1).max(200) }),
      response: { 200: z.object({ workspace: z.object({ id: z.uuid(), name: z.string() }), email: z.string(), role: roleEnum, expiresAt: z.string() }) },
    },
  }, async (request) => describeInvite(db, request.params.token));

  r.post('/invites/accept', {
    config: { access: 'user' },
    schema: { tags, summary: 'Accept an invite as the signed-in user', body: z.object({ token: z.string().min(1).max(200) }), response: { 200: z.object({ workspace: z.object({ id: z.uuid(), name: z.string(), role: roleEnum }) }) } },
  }, async (request) => acceptInvite(db, { ...actorOf(request), userId: requireUser(request).userId }, request.body.token));
}
