import { z } from 'zod';
import { CAMPAIGN_STATUSES, MESSAGE_STATUSES } from '../../db/schema/index.js';
import { isValidTimeZone } from '../contacts/contact-input.js';

/** Request and response shapes of the campaigns API (the web app builds on these names). */

export const MAX_VARIANTS = 26;
export const MAX_STEPS = 50;
const MINUTES_PER_YEAR = 366 * 24 * 60;

const oneLine = (s: string) => !/[\r\n]/.test(s);

export const scheduleIn = z.object({
  timezone: z.string().trim().max(100).refine(isValidTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }),
  days: z.array(z.number().int().min(1, { error: 'must be an ISO weekday 1 (Monday) to 7 (Sunday)' }).max(7, { error: 'must be an ISO weekday 1 (Monday) to 7 (Sunday)' }))
    .min(1, { error: 'needs at least one day' }).max(7)
    .refine((d) => new Set(d).size === d.length, { error: 'must not repeat a day' }),
  startMinute: z.number().int().min(0).max(1440),
  endMinute: z.number().int().min(0).max(1440),
  useContactTimezone: z.boolean(),
  startAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).nullable(),
}).partial();

export const variantIn = z.object({
  id: z.uuid().optional(),
  label: z.string().trim().min(1).max(50).optional(),
  subject: z.string().max(998).refine(oneLine, { error: 'must be a single line' }).nullable().optional(),
  bodyText: z.string().max(200_000).default(''),
  bodyHtml: z.string().max(500_000).nullable().optional(),
  weight: z.number().int().min(0).max(100).optional(),
});

export const stepIn = z.object({
  id: z.uuid().optional(),
  delayMinutes: z.number().int().min(0).max(MINUTES_PER_YEAR).optional(),
  variants: z.array(variantIn).min(1, { error: 'needs at least one variant' }).max(MAX_VARIANTS, { error: `allows at most ${MAX_VARIANTS} variants` }),
});

const campaignFields = {
  schedule: scheduleIn.optional(),
  dailyNewLimit: z.number().int().min(1).max(1_000_000).nullable().optional(),
  stopRules: z.object({ onReply: z.boolean(), onClick: z.boolean(), onDomainReply: z.boolean() }).partial().optional(),
  tracking: z.object({ opens: z.boolean(), clicks: z.boolean() }).partial().optional(),
  senderIds: z.array(z.uuid()).max(500).optional(),
  audience: z.object({ listIds: z.array(z.uuid()).max(200).optional(), segmentIds: z.array(z.uuid()).max(200).optional() }).optional(),
  steps: z.array(stepIn).max(MAX_STEPS, { error: `allows at most ${MAX_STEPS} steps` }).optional(),
};
const campaignName = z.string().trim().min(1, { error: 'is required' }).max(200, { error: 'must be at most 200 characters' });

export const createCampaignBody = z.object({ name: campaignName, ...campaignFields });
export const updateCampaignBody = z.object({ name: campaignName.optional(), ...campaignFields });
export type CreateCampaignInput = z.infer<typeof createCampaignBody>;
export type UpdateCampaignInput = z.infer<typeof updateCampaignBody>;
export type StepInput = z.infer<typeof stepIn>;

const variantOut = z.object({ id: z.uuid(), label: z.string(), subject: z.string().nullable(), bodyText: z.string(), bodyHtml: z.string().nullable(), weight: z.number() });
export const campaignOut = z.object({
  id: z.uuid(), name: z.string(), status: z.enum(CAMPAIGN_STATUSES),
  createdAt: z.string(), updatedAt: z.string(), launchedAt: z.string().nullable(), finishedAt: z.string().nullable(),
  schedule: z.object({ timezone: z.string(), days: z.array(z.number()), startMinute: z.number(), endMinute: z.number(), useContactTimezone: z.boolean(), startAt: z.string().nullable() }),
  dailyNewLimit: z.number().nullable(),
  stopRules: z.object({ onReply: z.boolean(), onClick: z.boolean(), onDomainReply: z.boolean() }),
  tracking: z.object({ opens: z.boolean(), clicks: z.boolean() }),
  senderIds: z.array(z.uuid()),
  audience: z.object({ listIds: z.array(z.uuid()), segmentIds: z.array(z.uuid()) }),
  steps: z.array(z.object({ id: z.uuid(), position: z.number(), delayMinutes: z.number(), variants: z.array(variantOut) })),
});
export type CampaignView = z.infer<typeof campaignOut>;

export const campaignSummaryOut = z.object({
  id: z.uuid(), name: z.string(), status: z.enum(CAMPAIGN_STATUSES),
  createdAt: z.string(), updatedAt: z.string(), launchedAt: z.string().nullable(), finishedAt: z.string().nullable(),
  summary: z.object({ enrolled: z.number(), sent: z.number(), replied: z.number() }),
});

export const launchCheckOut = z.object({
  ok: z.boolean(),
  checks: z.array(z.object({ key: z.enum(['postal_address', 'senders', 'steps', 'audience', 'unsubscribe', 'variables']), ok: z.boolean(), message: z.string() })),
  missingVariables: z.array(z.object({ contactId: z.uuid(), email: z.string(), variables: z.array(z.string()) })),
  audienceCount: z.number(),
});

export const previewBody = z.object({
  contactId: z.uuid().optional(), stepPosition: z.number().int().min(1).max(MAX_STEPS), variantId: z.uuid().optional(),
  /** Unsaved editor text: rendered instead of the stored variant's, so the preview follows typing. */
  draft: z.object({ subject: z.string().max(998).nullable().optional(), bodyText: z.string().max(200_000).optional(), bodyHtml: z.string().max(500_000).nullable().optional() }).optional(),
});
export const previewOut = z.object({ contactId: z.uuid().nullable(), subject: z.string(), text: z.string(), html: z.string().nullable(), missingVariables: z.array(z.string()) });

const counts = z.object({
  enrolled: z.number().optional(), scheduled: z.number(), sent: z.number(), delivered: z.number(), opened: z.number(), clicked: z.number(),
  replied: z.number(), bounced: z.number(), unsubscribed: z.number(), failed: z.number(), skipped: z.number(), uncertain: z.number(),
  openRate: z.number(), clickRate: z.number(), replyRate: z.number(), bounceRate: z.number(),
});
export const statsOut = z.object({
  totals: counts,
  steps: z.array(z.object({ position: z.number(), counts, variants: z.array(z.object({ id: z.uuid(), label: z.string(), counts })) })),
  series: z.array(z.object({ day: z.string(), sent: z.number(), opened: z.number(), clicked: z.number(), replied: z.number(), bounced: z.number() })),
});

export const messagesQuery = z.object({
  status: z.enum(MESSAGE_STATUSES).optional(),
  step: z.coerce.number().int().min(1).max(MAX_STEPS).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const messageOut = z.object({
  id: z.uuid(), contactId: z.uuid(), email: z.string().nullable(), stepPosition: z.number(), variantLabel: z.string().nullable(), senderEmail: z.string().nullable(),
  status: z.enum(MESSAGE_STATUSES), sendAt: z.string(), sentAt: z.string().nullable(), reason: z.string().nullable(), attempts: z.number(),
});

export const resolveBody = z.object({ action: z.enum(['mark_sent', 'resend', 'skip']) });
export const campaignParams = z.object({ id: z.uuid({ error: 'must be a campaign id' }) });
export const messageParams = campaignParams.extend({ messageId: z.uuid({ error: 'must be a message id' }) });
