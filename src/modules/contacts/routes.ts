import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONTACT_STATUSES, CUSTOM_FIELD_TYPES } from '../../db/schema/index.js';
import { actorOf, requireWorkspace } from '../../http/context.js';
import { recordAudit } from '../audit/record-audit.js';
import { withinLimit } from '../billing/limits.js';
import { exportContactsCsv } from './export-contacts.js';
import { contactActivity, eraseContact, exportContactData } from './gdpr.js';
import { contactWritable, emailSchema } from './contact-input.js';
import { contactFilterQuery, SORTS } from './contact-query.js';
import { countContactsShown } from './count-contacts.js';
import * as contacts from './contacts.js';
import * as lists from './lists.js';
import { segmentFilterSchema } from './segment-filter.js';
import { bulkBody, contactOut, customFieldOut, idParams, listName, listOut, segmentOut, shownCount } from './schemas.js';

const tags = ['contacts'];

export async function contactRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = app.deps;
  const ws = (request: Parameters<typeof requireWorkspace>[0]) => requireWorkspace(request).workspaceId;

  r.get('/contacts', {
    config: { access: { permission: 'contacts.read' } },
    schema: {
      tags, summary: 'Contacts, keyset-paginated, with search and filters',
      querystring: contactFilterQuery.extend({
        sort: z.enum(Object.keys(SORTS) as [keyof typeof SORTS]).default('createdAt'),
        order: z.enum(['asc', 'desc']).default('desc'),
        cursor: z.string().max(500).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: { 200: z.object({ items: z.array(contactOut), nextCursor: z.string().nullable() }) },
    },
  }, async (request) => contacts.listContacts(db, ws(request), request.query));

  r.get('/contacts/count', {
    config: { access: { permission: 'contacts.read' } },
    schema: {
      tags, summary: 'How many contacts match the filters: exact, or (exact: false) the last exact count taken at countedAt while a recount runs',
      querystring: contactFilterQuery, response: { 200: z.object({ count: z.number(), exact: z.boolean(), countedAt: z.string() }) },
    },
  }, async (request) => countContactsShown(db, ws(request), request.query, app.deps.log));

  r.post('/contacts', {
    config: { access: { permission: 'contacts.write' } },
    schema: { tags, summary: 'Create a contact', body: z.object({ email: emailSchema, ...contactWritable }), response: { 201: contactOut } },
  }, async (request, reply) => {
    const scope = requireWorkspace(request);
    const row = await withinLimit(db, app.deps.config, scope.workspaceId, 'contacts', (tx) => contacts.createContact(tx, scope, request.body));
    return reply.status(201).send(contacts.contactView(row));
  });

  r.get('/contacts/:id', {
    config: { access: { permission: 'contacts.read' } },
    schema: { tags, summary: 'One contact', params: idParams, response: { 200: contactOut } },
  }, async (request) => contacts.contactView(await contacts.getContact(db, ws(request), request.params.id)));

  r.patch('/contacts/:id', {
    config: { access: { permission: 'contacts.write' } },
    schema: {
      tags, summary: 'Update a contact (custom values merge into the existing ones)', params: idParams,
      body: z.object({ email: emailSchema.optional(), status: z.enum(CONTACT_STATUSES).optional(), ...contactWritable }),
      response: { 200: contactOut },
    },
  }, async (request) => contacts.contactView(await contacts.updateContact(db, requireWorkspace(request), request.params.id, request.body)));

  r.delete('/contacts/:id', {
    config: { access: { permission: 'contacts.write' } },
    schema: { tags, summary: 'Delete a contact (for erasure with a suppression hash, use /erase)', params: idParams },
  }, async (request, reply) => {
    const scope = requireWorkspace(request);
    await contacts.getContact(db, scope.workspaceId, request.params.id);
    await contacts.bulkAction(db, scope, { ids: [request.params.id] }, { action: 'delete' });
    return reply.status(204).send();
  });

  r.post('/contacts/bulk', {
    config: { access: { permission: 'contacts.write' } },
    schema: { tags, summary: 'Add to list, tag, untag, unsubscribe or delete many contacts', body: bulkBody, response: { 200: z.object({ affected: z.number() }) } },
  }, async (request) => {
    const b = request.body;
    const action = b.action === 'add_to_list' || b.action === 'remove_from_list' ? { action: b.action, listId: b.listId! }
      : b.action === 'tag' || b.action === 'untag' ? { action: b.action, tag: b.tag! } : { action: b.action };
    return contacts.bulkAction(db, requireWorkspace(request), { ids: b.ids, filter: b.filter }, action as contacts.BulkAction);
  });

  r.get('/lists', {
    config: { access: { permission: 'contacts.read' } },
    schema: { tags: ['lists'], summary: 'Static lists with their sizes', response: { 200: z.object({ items: z.array(listOut) }) } },
  }, async (request) => ({ items: await lists.listLists(db, ws(request)) }));

  r.post('/lists', {
    config: { access: { permission: 'contacts.write' } },
    schema: { tags: ['lists'], summary: 'Create a list', body: z.object({ name: listName, description: z.string().max(1000).nullable().optional() }), response: { 201: listOut } },
  }, async (request, reply) => reply.status(201).send(await lists.createList(db, ws(request), request.body)));

  r.get('/lists/:id', {
    config: { access: { permission: 'contacts.read' } },
    schema: { tags: ['lists'], summary: 'One list', params: idParams, response: { 200: listOut } },
  }, async (request) => lists.getList(db, ws(request), request.params.id));

  r.patch('/lists/:id', {
    config: { access: { permission: 'contacts.write' } },
    schema: { tags: ['lists'], summary: 'Rename a list', params: idParams, body: z.object({ name: listName.optional(), description: z.string().max(1000).nullable().optional() }), response: { 200: listOut } },
  }, async (request) => lists.updateList(db, ws(request), request.params.id, request.body));

  r.delete('/lists/:id', {
    config: { access: { permission: 'contacts.write' } },
    schema: { tags: ['lists'], summary: 'Delete a list (its contacts stay)', params: idParams },
  }, async (request, reply) => {
    await lists.deleteList(db, ws(request), request.params.id);
    return reply.status(204).send();
  });

  r.get('/segments', {
    config: { access: { permission: 'contacts.read' } },
    schema: { tags: ['segments'], summary: 'Saved segments', response: { 200: z.object({ items: z.array(segmentOut) }) } },
  }, async (request) => ({ items: await lists.listSegments(db, ws(request)) }));

  r.post('/segments', {
    config: { access: { permission: 'contacts.write' } },
    schema: { tags: ['segments'], summary: 'Save a segment (a filter evaluated at use)', body: z.object({ name: listName, filter: segmentFilterSchema }), response: { 201: segmentOut } },
  }, async (request, reply) => reply.status(201).send(await lists.createSegment(db, ws(request), request.body)));

  r.post('/segments/preview', {
    config: { access: { permission: 'contacts.read' } },
    schema: { tags: ['segments'], summary: 'Count the contacts a filter matches, without saving it', body: z.object({ filter: segmentFilterSchema }), response: { 200: z.object({ contactCount: z.number(), ...shownCount }) } },
  }, async (request) => lists.previewSegment(db, ws(request), request.body.filter));

  r.get('/segments/:id', {
    config: { access: { permission: 'contacts.read' } },
    schema: { tags: ['segments'], summary: 'One segment with its current size', params: idParams, response: { 200: segmentOut } },
  }, async (request) => lists.getSegment(db, ws(request), request.params.id));

  r.patch('/segments/:id', {
    config: { access: { permission: 'contacts.write' } },
    schema: { tags: ['segments'], summary: 'Update a segment', params: idParams, body: z.object({ name: listName.optional(), filter: segmentFilterSchema.optional() }), response: { 200: segmentOut } },
  }, async (request) => lists.updateSegment(db, ws(request), request.params.id, request.body));

  r.delete('/segments/:id', {
    config: { access: { permission: 'contacts.write' } },
    schema: { tags: ['segments'], summary: 'Delete a segment', params: idParams },
  }, async (request, reply) => {
    await lists.deleteSegment(db, ws(request), request.params.id);
    return reply.status(204).send();
  });

  r.get('/contact-fields', {
    config: { access: { permission: 'contacts.read' } },
    schema: { tags, summary: 'Custom contact fields of the workspace', response: { 200: z.object({ items: z.array(customFieldOut) }) } },
  }, async (request) => ({ items: await lists.listCustomFields(db, ws(request)) }));

  r.post('/contact-fields', {
    config: { access: { permission: 'contacts.write' } },
    schema: {
      tags, summary: 'Define a typed custom field',
      body: z.object({ key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, { error: 'must be lower_snake_case, starting with a letter' }), label: listName, type: z.enum(CUSTOM_FIELD_TYPES) }),
      response: { 201: customFieldOut },
    },
  }, async (request, reply) => reply.status(201).send(await lists.createCustomField(db, ws(request), request.body)));

  r.delete('/contact-fields/:id', {
    config: { access: { permission: 'contacts.write' } },
    schema: { tags, summary: 'Delete a custom field definition', params: idParams },
  }, async (request, reply) => {
    await lists.deleteCustomField(db, ws(request), request.params.id);
    return reply.status(204).send();
  });

  r.get('/contacts/export', {
    config: { access: { permission: 'contacts.export' } },
    schema: { tags, summary: 'Stream matching contacts as CSV (all, a list or a segment); formula cells neutralised', querystring: contactFilterQuery },
  }, async (request, reply) => {
    const scope = requireWorkspace(request);
    const stream = await exportContactsCsv(db, scope.workspaceId, request.query);
    await recordAudit(db, actorOf(request), { workspaceId: scope.workspaceId, action: 'contacts.exported', metadata: { filter: request.query } });
    const stamp = new Date().toISOString().slice(0, 10);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="contacts-${stamp}.csv"`).send(stream);
  });

  r.get('/contacts/:id/activity', {
    config: { access: { permission: 'contacts.read' } },
    schema: {
      tags, summary: 'The contact\'s timeline (messages, opens, clicks, replies…) and list memberships', params: idParams,
      response: { 200: z.object({ lists: z.array(z.object({ id: z.uuid(), name: z.string(), addedAt: z.string() })), events: z.array(z.object({ type: z.string(), channel: z.string().nullable(), campaignId: z.string().nullable(), messageId: z.string().nullable(), metadata: z.record(z.string(), z.unknown()), occurredAt: z.string() })) }) },
    },
  }, async (request) => contactActivity(db, ws(request), request.params.id));

  r.get('/contacts/tags', {
    config: { access: { permission: 'contacts.read' } },
    schema: { tags, summary: 'Every tag in use, with how many contacts carry it', response: { 200: z.object({ items: z.array(z.object({ tag: z.string(), count: z.number() })) }) } },
  }, async (request) => ({ items: await contacts.listTags(db, ws(request)) }));

  r.get('/contacts/:id/gdpr-export', {
    config: { access: { permission: 'contacts.export' } },
    schema: { tags, summary: 'Everything held about one contact, as JSON (GDPR access request)', params: idParams },
  }, async (request, reply) => {
    const data = await exportContactData(db, requireWorkspace(request), actorOf(request), request.params.id);
    return reply.header('content-disposition', `attachment; filename="contact-${request.params.id}.json"`).send(data);
  });

  r.post('/contacts/:id/erase', {
    config: { access: { permission: 'contacts.erase' } },
    schema: { tags, summary: 'Erase a contact: personal data deleted, a salted hash keeps the address suppressed', params: idParams },
  }, async (request, reply) => {
    await eraseContact(db, requireWorkspace(request), actorOf(request), request.params.id);
    return reply.status(204).send();
  });
}
