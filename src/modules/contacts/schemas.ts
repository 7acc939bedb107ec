import { z } from 'zod';
import { CONTACT_STATUSES, CUSTOM_FIELD_TYPES } from '../../db/schema/index.js';
import { contactFilterQuery } from './contact-query.js';
import { segmentFilterSchema } from './segment-filter.js';

export const contactOut = z.object({
  id: z.uuid(), email: z.string().nullable(), firstName: z.string().nullable(), lastName: z.string().nullable(), company: z.string().nullable(),
  title: z.string().nullable(), phone: z.string().nullable(), timeZone: z.string().nullable(),
  custom: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), tags: z.array(z.string()),
  status: z.enum(CONTACT_STATUSES), source: z.string().nullable(), messengerPsid: z.string().nullable(), isRoleAddress: z.boolean(),
  createdAt: z.string(), updatedAt: z.string(),
});

export const listOut = z.object({ id: z.uuid(), name: z.string(), description: z.string().nullable(), contactCount: z.number(), createdAt: z.string() });
/** A count as shown: `countExact` false means the last exact count, taken at `countedAt`. */
export const shownCount = { countExact: z.boolean().optional(), countedAt: z.string().optional() };
export const segmentOut = z.object({ id: z.uuid(), name: z.string(), filter: segmentFilterSchema, contactCount: z.number().optional(), ...shownCount, createdAt: z.string(), updatedAt: z.string() });
export const customFieldOut = z.object({ id: z.uuid(), key: z.string(), label: z.string(), type: z.enum(CUSTOM_FIELD_TYPES), createdAt: z.string() });
export const suppressionOut = z.object({ id: z.uuid(), kind: z.enum(['email', 'domain', 'email_hash']), value: z.string(), reason: z.string(), note: z.string().nullable(), createdAt: z.string() });

export const idParams = z.object({ id: z.uuid({ error: 'must be an id' }) });
export const listName = z.string().trim().min(1, { error: 'is required' }).max(200, { error: 'must be at most 200 characters' });

export const bulkBody = z.object({
  ids: z.array(z.uuid()).min(1).max(10000).optional(),
  filter: contactFilterQuery.optional(),
  action: z.enum(['add_to_list', 'remove_from_list', 'tag', 'untag', 'unsubscribe', 'delete']),
  listId: z.uuid().optional(),
  tag: z.string().trim().min(1).max(100).optional(),
}).superRefine((b, ctx) => {
  if (!b.ids && !b.filter) ctx.addIssue({ code: 'custom', path: ['ids'], message: 'give ids, or a filter to act on every matching contact' });
  if ((b.action === 'add_to_list' || b.action === 'remove_from_list') && !b.listId) ctx.addIssue({ code: 'custom', path: ['listId'], message: 'is required for this action' });
  if ((b.action === 'tag' || b.action === 'untag') && !b.tag) ctx.addIssue({ code: 'custom', path: ['tag'], message: 'is required for this action' });
});
