import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireWorkspace } from '../../http/context.js';
import { assertQuotaLeft } from '../billing/quota.js';
import { checkLaunch } from './check-launch.js';
import { createCampaign } from './create-campaign.js';
import { deleteCampaign } from './delete-campaign.js';
import { duplicateCampaign } from './duplicate-campaign.js';
import { exportCampaignReport } from './export-report.js';
import { getCampaign } from './get-campaign.js';
import { getCampaignStats } from './get-campaign-stats.js';
import { launchCampaign } from './launch-campaign.js';
import { listCampaigns } from './list-campaigns.js';
import { listMessages } from './list-messages.js';
import { pauseCampaign } from './pause-campaign.js';
import { previewMessage } from './preview-message.js';
import { resolveMessage } from './resolve-message.js';
import { resumeCampaign } from './resume-campaign.js';
import {
  campaignOut, campaignParams, campaignSummaryOut, createCampaignBody, launchCheckOut, messageOut, messageParams, messagesQuery,
  previewBody, previewOut, resolveBody, statsOut, updateCampaignBody,
} from './schemas.js';
import { stopCampaign } from './stop-campaign.js';
import { updateCampaign } from './update-campaign.js';

const tags = ['campaigns'];
const read = { access: { permission: 'campaigns.read' } } as const;
const write = { access: { permission: 'campaigns.write' } } as const;
const launch = { access: { permission: 'campaigns.launch' } } as const;

export async function campaignRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = app.deps;
  const ws = (request: Parameters<typeof requireWorkspace>[0]) => requireWorkspace(request).workspaceId;

  r.get('/campaigns', {
    config: read,
    schema: { tags, summary: 'Campaigns, newest first, with enrolled, sent and replied counts', response: { 200: z.object({ items: z.array(campaignSummaryOut) }) } },
  }, async (request) => ({ items: await listCampaigns(db, ws(request)) }));

  r.post('/campaigns', {
    config: write,
    schema: { tags, summary: 'Create a draft campaign (only the name is required)', body: createCampaignBody, response: { 201: campaignOut } },
  }, async (request, reply) => reply.status(201).send(await createCampaign(db, { workspaceId: ws(request), userId: actorOf(request).userId ?? null }, request.body)));

  r.get('/campaigns/:id', {
    config: read,
    schema: { tags, summary: 'One campaign with its schedule, senders, audience and sequence', params: campaignParams, response: { 200: campaignOut } },
  }, async (request) => getCampaign(db, ws(request), request.params.id));

  r.patch('/campaigns/:id', {
    config: write,
    schema: {
      tags, summary: 'Change a campaign; `steps` replaces the sequence, keeping the ids it passes. Sent steps of a running campaign stay.',
      params: campaignParams, body: updateCampaignBody, response: { 200: campaignOut },
    },
  }, async (request) => updateCampaign(db, ws(request), request.params.id, request.body));

  r.delete('/campaigns/:id', {
    config: write,
    schema: { tags, summary: 'Delete a campaign that is not running', params: campaignParams },
  }, async (request, reply) => {
    await deleteCampaign(db, actorOf(request), ws(request), request.params.id);
    return reply.status(204).send();
  });

  r.post('/campaigns/:id/duplicate', {
    config: write,
    schema: { tags, summary: 'Copy a campaign as a new draft', params: campaignParams, response: { 201: campaignOut } },
  }, async (request, reply) => reply.status(201).send(await duplicateCampaign(db, { workspaceId: ws(request), userId: actorOf(request).userId ?? null }, request.params.id)));

  r.get('/campaigns/:id/launch-check', {
    config: read,
    schema: { tags, summary: 'What must hold before launch (postal address, senders, steps, audience, unsubscribe, variables)', params: campaignParams, response: { 200: launchCheckOut } },
  }, async (request) => checkLaunch(db, ws(request), request.params.id));

  r.post('/campaigns/:id/launch', {
    config: launch,
    schema: { tags, summary: 'Launch a draft: 422 naming the failed checks, else running and the audience enrolled', params: campaignParams, response: { 200: campaignOut.extend({ enrolled: z.number() }) } },
  }, async (request) => {
    // Nothing left of this month's message quota: 402 with the upgrade link instead of a campaign that pauses at once.
    await assertQuotaLeft(db, app.deps.config, ws(request));
    return launchCampaign(app.deps, actorOf(request), ws(request), request.params.id);
  });

  r.post('/campaigns/:id/pause', {
    config: launch,
    schema: { tags, summary: 'Pause a running campaign (scheduled messages wait)', params: campaignParams, response: { 200: campaignOut } },
  }, async (request) => pauseCampaign(db, actorOf(request), ws(request), request.params.id));

  r.post('/campaigns/:id/resume', {
    config: launch,
    schema: { tags, summary: 'Resume a paused campaign', params: campaignParams, response: { 200: campaignOut } },
  }, async (request) => {
    await assertQuotaLeft(db, app.deps.config, ws(request));
    return resumeCampaign(db, actorOf(request), ws(request), request.params.id);
  });

  r.post('/campaigns/:id/stop', {
    config: launch,
    schema: { tags, summary: 'Stop for good: waiting messages are skipped, sequences end', params: campaignParams, response: { 200: campaignOut } },
  }, async (request) => stopCampaign(db, actorOf(request), ws(request), request.params.id));

  r.post('/campaigns/:id/preview', {
    config: read,
    schema: { tags, summary: 'Render a step for a contact (or a sample one) exactly as it will be sent', params: campaignParams, body: previewBody, response: { 200: previewOut } },
  }, async (request) => previewMessage(db, ws(request), request.params.id, request.body));

  r.get('/campaigns/:id/stats', {
    config: read,
    schema: { tags, summary: 'Counts and rates per campaign, step and variant, and a daily series', params: campaignParams, response: { 200: statsOut } },
  }, async (request) => getCampaignStats(db, ws(request), request.params.id));

  r.get('/campaigns/:id/messages', {
    config: read,
    schema: {
      tags, summary: 'Messages of the campaign in send order, keyset-paginated', params: campaignParams, querystring: messagesQuery,
      response: { 200: z.object({ items: z.array(messageOut), nextCursor: z.string().nullable() }) },
    },
  }, async (request) => listMessages(db, ws(request), request.params.id, request.query));

  r.get('/campaigns/:id/report.csv', {
    // Every recipient's address is in it: the same permission as exporting contacts.
    config: { access: { permission: 'contacts.export' } },
    schema: { tags, summary: 'Every message with opened, clicked and replied flags, as CSV', params: campaignParams },
  }, async (request, reply) => {
    const { name, stream } = await exportCampaignReport(db, ws(request), request.params.id);
    const file = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'campaign';
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}-report.csv"`).send(stream);
  });

  r.post('/campaigns/:id/messages/:messageId/resolve', {
    config: launch,
    schema: { tags, summary: 'Decide on an uncertain message: mark_sent, resend or skip', params: messageParams, body: resolveBody, response: { 200: messageOut } },
  }, async (request) => resolveMessage(db, actorOf(request), ws(request), request.params.id, request.params.messageId, request.body.action));
}
