import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireUser, requireWorkspace } from '../../http/context.js';
import { AppError } from '../../lib/problems.js';
import { assertWithinLimit, withinLimit } from '../billing/limits.js';
import { completeOAuth, OAuthFailure, startOAuth } from './oauth-connect.js';
import { openChannel } from './open-channel.js';
import { idParams } from '../contacts/schemas.js';
import { checkDomain, createResolver } from './domain-check.js';
import * as senders from './senders.js';
import { senderStats } from './sender-stats.js';
import { sendTestEmail } from './send-test-email.js';

const tags = ['senders'];
const hostname = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.-]+$/, { error: 'must be a host name' });
const port = z.number().int().min(1).max(65535);
const secret = z.string().min(1, { error: 'is required' }).max(4096);
const smtpIn = z.object({ host: hostname, port, security: z.enum(['tls', 'starttls', 'none']), user: z.string().min(1).max(320), password: secret });
const imapIn = z.object({ host: hostname, port, secure: z.boolean(), user: z.string().min(1).max(320), password: secret });
const dkimIn = z.object({ domain: hostname, selector: z.string().regex(/^[A-Za-z0-9._-]{1,63}$/, { error: 'must be a DKIM selector' }), privateKey: z.string().min(100).max(10000).refine((k) => k.includes('PRIVATE KEY'), { error: 'must be a PEM private key' }) });
const settingsIn = {
  fromName: z.string().trim().max(200).nullable().optional(),
  signature: z.string().max(20000).nullable().optional(),
  dailyCap: z.number().int().min(1).max(10000).optional(),
  minGapSeconds: z.number().int().min(0).max(86400).optional(),
  maxGapSeconds: z.number().int().min(0).max(86400).optional(),
  sendingDomain: hostname.nullable().optional(),
  warmup: z.object({ enabled: z.boolean().optional(), start: z.number().int().min(1).max(1000).optional(), increment: z.number().int().min(0).max(1000).optional(), max: z.number().int().min(1).max(10000).optional() }).optional(),
};
const senderOut = z.object({
  id: z.uuid(), kind: z.enum(['smtp', 'gmail', 'outlook']), email: z.string(), fromName: z.string().nullable(), status: z.string(), statusReason: z.string().nullable(),
  smtp: z.object({ host: z.string(), port: z.number(), security: z.string(), user: z.string() }).nullable(),
  imap: z.object({ host: z.string(), port: z.number(), secure: z.boolean(), user: z.string() }).nullable(),
  dkim: z.object({ domain: z.string(), selector: z.string(), configured: z.boolean() }).nullable(),
  settings: z.object({
    signature: z.string().nullable(), dailyCap: z.number(), minGapSeconds: z.number(), maxGapSeconds: z.number(), sendingDomain: z.string().nullable(),
    warmup: z.object({ enabled: z.boolean(), start: z.number(), increment: z.number(), max: z.number(), startedAt: z.string().nullable() }),
  }),
  todayCap: z.number(), createdAt: z.string(), updatedAt: z.string(),
  stats: z.object({ sentToday: z.number(), sent30d: z.number(), bounced30d: z.number(), replied30d: z.number(), bounceRate: z.number(), replyRate: z.number() }).optional(),
});
const recordCheck = z.object({ status: z.enum(['pass', 'fail']), record: z.string().nullable(), detail: z.string() });

export async function senderRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config } = app.deps;
  const ws = (request: Parameters<typeof requireWorkspace>[0]) => requireWorkspace(request).workspaceId;

  r.get('/senders', {
    config: { access: { permission: 'senders.read' } },
    schema: { tags, summary: 'Connected sending accounts (secrets never included)', response: { 200: z.object({ items: z.array(senderOut) }) } },
  }, async (request) => {
    const stats = await senderStats(db, ws(request));
    return { items: (await senders.listSenders(db, ws(request))).map((s) => ({ ...s, stats: stats.get(s.id) })) };
  });

  r.post('/senders', {
    config: { access: { permission: 'senders.manage' } },
    schema: {
      tags, summary: 'Connect an SMTP + IMAP mailbox (passwords are encrypted at rest)',
      body: z.object({ kind: z.literal('smtp').default('smtp'), email: z.email({ error: 'must be a valid email address' }), smtp: smtpIn, imap: imapIn, dkim: dkimIn.nullable().optional(), ...settingsIn }),
      response: { 201: senderOut },
    },
  }, async (request, reply) => {
    const workspaceId = ws(request);
    const row = await withinLimit(db, config, workspaceId, 'senders', (tx) => senders.createSmtpAccount(tx, config.secrets, workspaceId, request.body));
    return reply.status(201).send(senders.senderView(row));
  });

  r.get('/senders/:id', {
    config: { access: { permission: 'senders.read' } },
    schema: { tags, summary: 'One sending account', params: idParams, response: { 200: senderOut } },
  }, async (request) => ({ ...senders.senderView(await senders.getSender(db, ws(request), request.params.id)), stats: (await senderStats(db, ws(request))).get(request.params.id) }));

  r.patch('/senders/:id', {
    config: { access: { permission: 'senders.manage' } },
    schema: {
      tags, summary: 'Change settings or credentials', params: idParams,
      body: z.object({ smtp: smtpIn.partial().optional(), imap: imapIn.partial().optional(), dkim: dkimIn.nullable().optional(), ...settingsIn }),
      response: { 200: senderOut },
    },
  }, async (request) => senders.senderView(await senders.updateSender(db, config.secrets, ws(request), request.params.id, request.body)));

  r.post('/senders/:id/pause', {
    config: { access: { permission: 'senders.manage' } },
    schema: { tags, summary: 'Stop sending from this account', params: idParams, response: { 200: senderOut } },
  }, async (request) => senders.senderView(await senders.setSenderStatus(db, ws(request), request.params.id, 'paused', 'paused by a user')));

  r.post('/senders/:id/resume', {
    config: { access: { permission: 'senders.manage' } },
    schema: { tags, summary: 'Resume sending from this account', params: idParams, response: { 200: senderOut } },
  }, async (request) => senders.senderView(await senders.setSenderStatus(db, ws(request), request.params.id, 'active', null)));

  r.delete('/senders/:id', {
    config: { access: { permission: 'senders.manage' } },
    schema: { tags, summary: 'Disconnect an account and forget its credentials', params: idParams },
  }, async (request, reply) => {
    await senders.deleteSender(db, ws(request), request.params.id);
    return reply.status(204).send();
  });

  r.post('/senders/:id/test', {
    config: { access: { permission: 'senders.manage' }, rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: {
      tags, summary: 'Check the stored credentials (SMTP+IMAP logins, or the provider token and mailbox); each server\'s exact answer is shown', params: idParams,
      response: { 200: z.object({ ok: z.boolean(), checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })) }) },
    },
  }, async (request) => {
    const channel = openChannel(app.deps, await senders.getSender(db, ws(request), request.params.id));
    try {
      return await channel.testConnection();
    } finally {
      await channel.close();
    }
  });

  r.post('/senders/:id/test-send', {
    config: { access: { permission: 'senders.manage' }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags, summary: 'Send one test message from this account to an address you choose; the server\'s exact answer is returned', params: idParams,
      body: z.object({ to: z.email({ error: 'must be a valid email address' }) }),
      response: { 200: z.object({ ok: z.boolean(), detail: z.string(), kind: z.string().optional() }) },
    },
  }, async (request) => sendTestEmail(app.deps, await senders.getSender(db, ws(request), request.params.id), request.body.to));

  r.get('/senders/:id/domain-check', {
    config: { access: { permission: 'senders.read' } },
    schema: {
      tags, summary: 'SPF, DKIM and DMARC for the account\'s sending domain, with the records found', params: idParams,
      querystring: z.object({ selector: z.string().regex(/^[A-Za-z0-9._-]{1,63}$/).optional() }),
      response: { 200: z.object({ domain: z.string(), selector: z.string().nullable(), spf: recordCheck, dkim: recordCheck, dmarc: recordCheck }) },
    },
  }, async (request) => {
    const row = await senders.getSender(db, ws(request), request.params.id);
    const domain = row.sendingDomain ?? row.email.split('@')[1]!;
    const selector = request.query.selector ?? row.dkimSelector ?? (row.kind === 'gmail' ? 'google' : row.kind === 'outlook' ? 'selector1' : null);
    return checkDomain(createResolver(config.dnsServers), domain, selector);
  });

  const providerParams = z.object({ provider: z.enum(['google', 'microsoft']) });

  r.get('/senders/oauth/:provider/start', {
    config: { access: { permission: 'senders.manage' } },
    schema: { tags, summary: 'Start "Connect Gmail" (google) or "Connect Microsoft 365" (microsoft): redirects to the provider', params: providerParams },
  }, async (request, reply) => {
    const user = requireUser(request);
    try {
      // Reconnecting an account takes no new place, so it is never refused.
      if (config.billing && !(await senders.hasSenderToReconnect(db, ws(request)))) await assertWithinLimit(db, config, ws(request), 'senders');
    } catch (err) {
      // A browser navigation: back to the page with the reason rather than a JSON body.
      if (!(err instanceof AppError) || err.status !== 402) throw err;
      const back = new URL('/senders', config.publicUrl);
      back.searchParams.set('error', 'plan_limit');
      back.searchParams.set('message', err.message);
      return reply.redirect(back.toString());
    }
    return reply.redirect(await startOAuth(db, config, request.params.provider, { userId: user.userId, workspaceId: ws(request) }));
  });

  r.get('/senders/oauth/:provider/callback', {
    config: { access: 'user' },
    schema: {
      tags, summary: 'Where the provider sends the browser back; stores the tokens and returns to the app', params: providerParams,
      querystring: z.object({ code: z.string().max(4096).optional(), state: z.string().max(200).optional(), error: z.string().max(200).optional(), error_description: z.string().max(2000).optional(), scope: z.string().max(4000).optional() }),
    },
  }, async (request, reply) => {
    const back = new URL('/senders', config.publicUrl);
    try {
      const { sender, reconnected } = await completeOAuth(db, config, request.params.provider, requireUser(request).userId, request.query);
      back.searchParams.set(reconnected ? 'reconnected' : 'connected', sender.id);
      request.log.info({ senderId: sender.id, provider: request.params.provider, actor: actorOf(request).userId }, 'mailbox connected');
    } catch (err) {
      if (!(err instanceof OAuthFailure)) throw err;
      back.searchParams.set('error', err.code);
      back.searchParams.set('message', err.message);
    }
    return reply.redirect(back.toString());
  });
}
