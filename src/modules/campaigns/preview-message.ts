import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contacts, enrollments } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql-helpers.js';
import { audiencePredicate } from '../../engine/audience.js';
import { pickVariant } from '../../engine/compose-message.js';
import { fieldError, notFound } from '../../lib/problems.js';
import { missingVariables, renderTemplate, TemplateError } from '../../lib/templates.js';
import { getContact } from '../contacts/contacts.js';
import { findCampaign, loadSteps } from './get-campaign.js';
import { messageVariables, sampleSender, spintaxSeed, type ContactFields } from './message-variables.js';

/** Stand-in values when there is no contact to preview with (an empty audience). */
const PLACEHOLDER: ContactFields = {
  id: '00000000-0000-4000-8000-000000000000', email: 'alex@example.com', firstName: 'Alex', lastName: 'Sample', company: 'Example Inc',
  title: 'Head of Sales', phone: '+1 555 0100', timeZone: 'UTC', custom: {},
};

export interface PreviewInput {
  contactId?: string;
  stepPosition: number;
  variantId?: string;
  draft?: { subject?: string | null; bodyText?: string; bodyHtml?: string | null };
}

/**
 * One step rendered for one contact the way the engine will render it: the same variables,
 * spintax seed and variant pick (when the contact is enrolled), and "Re: <first subject>" for a
 * follow-up without a subject. Without a contact, the first contact of the audience is used.
 */
export async function previewMessage(db: Db, workspaceId: string, campaignId: string, input: PreviewInput) {
  const campaign = await findCampaign(db, workspaceId, campaignId);
  const steps = await loadSteps(db, campaign.id);
  const step = steps.find((s) => s.position === input.stepPosition);
  // A step being written is not saved yet: with draft text it can still be previewed.
  if (!step && !input.draft) throw fieldError('stepPosition', `the sequence has no step ${input.stepPosition}`);
  const contact = input.contactId ? await getContact(db, workspaceId, input.contactId) : await sampleContact(db, workspaceId, campaign.id);
  const fields: ContactFields = contact ?? PLACEHOLDER;

  const [enrollment] = contact
    ? await db.select({ id: enrollments.id, threadSubject: enrollments.threadSubject }).from(enrollments)
      .where(and(eq(enrollments.campaignId, campaign.id), eq(enrollments.contactId, contact.id)))
    : [];
  const stored = step?.variants ?? [];
  let saved = stored[0];
  if (input.variantId) {
    saved = stored.find((v) => v.id === input.variantId);
    if (!saved) throw fieldError('variantId', `is not a variant of step ${input.stepPosition}`);
  } else if (enrollment && stored.length) {
    saved = pickVariant(stored, `${enrollment.id}:${input.stepPosition}`);
  }
  const variant = { subject: null, bodyText: '', bodyHtml: null, ...saved, ...input.draft };
  if (!saved && !input.draft) throw notFound('Variant');

  const vars = messageVariables(fields, await sampleSender(db, campaign.id));
  const seed = spintaxSeed(fields.id);
  const missing = new Set<string>();
  const render = (source: string, field: string) => {
    try {
      for (const name of missingVariables(source, vars, { seed })) missing.add(name);
      return renderTemplate(source, vars, { seed });
    } catch (err) {
      if (err instanceof TemplateError) throw fieldError(field, `cannot be rendered: ${err.message}`);
      throw err;
    }
  };
  const subject = variant.subject?.trim()
    ? render(variant.subject, 'subject')
    : `Re: ${enrollment?.threadSubject ?? render(steps[0]?.variants[0]?.subject ?? '', 'subject')}`;
  return {
    contactId: contact?.id ?? null,
    subject,
    text: render(variant.bodyText, 'bodyText'),
    html: variant.bodyHtml ? render(variant.bodyHtml, 'bodyHtml') : null,
    missingVariables: [...missing].sort(),
  };
}

async function sampleContact(db: Db, workspaceId: string, campaignId: string) {
  const audience = await audiencePredicate(db, workspaceId, campaignId);
  if (!audience) return null;
  const [row] = await queryRows<{ id: string }>(db, sql`SELECT contacts.id FROM contacts WHERE ${audience} ORDER BY contacts.id LIMIT 1`);
  if (!row) return null;
  const [contact] = await db.select().from(contacts).where(eq(contacts.id, row.id));
  return contact ?? null;
}
