import { asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaignAudience, campaignSenders, senderAccounts, workspaces } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql-helpers.js';
import { audiencePredicate } from '../../engine/audience.js';
import { TemplateError, type TemplateVars } from '../../lib/templates.js';
import { findCampaign, loadSteps, type StepWithVariants } from './get-campaign.js';
import { createMissingVariablesCheck, messageVariables, sampleSender, spintaxSeed, type ContactFields } from './message-variables.js';

export type CheckKey = 'postal_address' | 'senders' | 'steps' | 'audience' | 'unsubscribe' | 'variables';
export interface LaunchCheck {
  ok: boolean;
  checks: { key: CheckKey; ok: boolean; message: string }[];
  missingVariables: { contactId: string; email: string; variables: string[] }[];
  audienceCount: number;
}

const MISSING_LIST_LIMIT = 100;
const BATCH = 2000;

/** Everything that must hold before a campaign may send, each with a message a user can act on. */
export async function checkLaunch(db: Db, workspaceId: string, campaignId: string): Promise<LaunchCheck> {
  const campaign = await findCampaign(db, workspaceId, campaignId);
  const [workspace] = await db.select({ postalAddress: workspaces.postalAddress }).from(workspaces).where(eq(workspaces.id, workspaceId));
  const steps = await loadSteps(db, campaign.id);
  const audience = await audiencePredicate(db, workspaceId, campaign.id);
  const audienceCount = audience ? Number((await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM contacts WHERE ${audience}`))[0]?.n ?? 0) : 0;
  const missing = audience && audienceCount > 0 ? await contactsMissingVariables(db, campaign.id, audience, steps) : { contacts: [], more: false, templateError: null };

  const checks: LaunchCheck['checks'] = [
    workspace?.postalAddress?.trim()
      ? { key: 'postal_address', ok: true, message: 'Your postal address is added to the footer of every message.' }
      : { key: 'postal_address', ok: false, message: 'Add your postal address in the workspace sending settings: every campaign email must carry it, so a campaign cannot launch without it.' },
    await sendersCheck(db, campaign.id),
    stepsCheck(steps, missing.templateError),
    await audienceCheck(db, campaign.id, audienceCount),
    { key: 'unsubscribe', ok: true, message: 'Every message gets a visible one-click unsubscribe link and List-Unsubscribe headers, added when it is sent.' },
    variablesCheck(missing),
  ];
  return { ok: checks.every((c) => c.ok), checks, missingVariables: missing.contacts, audienceCount };
}

async function sendersCheck(db: Db, campaignId: string): Promise<LaunchCheck['checks'][number]> {
  const senders = await db.select({ email: senderAccounts.email, status: senderAccounts.status }).from(campaignSenders)
    .innerJoin(senderAccounts, eq(senderAccounts.id, campaignSenders.senderId)).where(eq(campaignSenders.campaignId, campaignId)).orderBy(asc(senderAccounts.email));
  if (!senders.length) return { key: 'senders', ok: false, message: 'Choose at least one sending account.' };
  const unhealthy = senders.filter((s) => s.status !== 'active');
  if (!unhealthy.length) return { key: 'senders', ok: true, message: `${senders.length} sending account${senders.length === 1 ? '' : 's'} ready.` };
  const describe = (s: (typeof senders)[number]) => (s.status === 'reconnect_needed' ? `reconnect ${s.email}` : s.status === 'paused' ? `resume ${s.email} (paused)` : `fix ${s.email} (${s.status})`);
  return { key: 'senders', ok: false, message: `Some sending accounts cannot send: ${unhealthy.map(describe).join('; ')}.` };
}

function stepsCheck(steps: StepWithVariants[], templateError: string | null): LaunchCheck['checks'][number] {
  if (!steps.length) return { key: 'steps', ok: false, message: 'Add at least one step to the sequence.' };
  const problems: string[] = templateError ? [`a template cannot be rendered (${templateError})`] : [];
  for (const step of steps) {
    for (const v of step.variants) {
      if (!v.bodyText.trim() && !v.bodyHtml?.trim()) problems.push(`step ${step.position} variant ${v.label} has no body`);
      if (step.position === 1 && !v.subject?.trim()) problems.push(`step 1 variant ${v.label} has no subject`);
    }
    if (!step.variants.some((v) => v.weight > 0)) problems.push(`step ${step.position} has no variant with a weight above 0`);
  }
  if (problems.length) return { key: 'steps', ok: false, message: `Fix the sequence: ${problems.join('; ')}.` };
  return { key: 'steps', ok: true, message: `${steps.length} step${steps.length === 1 ? '' : 's'} ready.` };
}

async function audienceCheck(db: Db, campaignId: string, count: number): Promise<LaunchCheck['checks'][number]> {
  const [chosen] = await db.select({ n: sql<number>`count(*)::int` }).from(campaignAudience).where(eq(campaignAudience.campaignId, campaignId));
  if (!Number(chosen?.n)) return { key: 'audience', ok: false, message: 'Choose at least one list or segment.' };
  if (!count) return { key: 'audience', ok: false, message: 'No one in the chosen lists and segments can be emailed (active, with an address, not suppressed).' };
  return { key: 'audience', ok: true, message: `${count} contact${count === 1 ? '' : 's'} will be enrolled.` };
}

function variablesCheck(missing: { contacts: LaunchCheck['missingVariables']; more: boolean }): LaunchCheck['checks'][number] {
  if (!missing.contacts.length) return { key: 'variables', ok: true, message: 'Every contact has a value (or the template a default) for each variable.' };
  const names = [...new Set(missing.contacts.flatMap((c) => c.variables))].sort();
  const who = missing.more ? `At least ${missing.contacts.length} contacts` : `${missing.contacts.length} contact${missing.contacts.length === 1 ? '' : 's'}`;
  return { key: 'variables', ok: false, message: `${who} would get a message with a gap: no value for ${names.join(', ')}. Fill the fields or give each a default, e.g. {{ ${names[0]} | default: "there" }}.` };
}

/**
 * Walks the audience in id order and lists contacts for whom a template (of any variant that
 * can be sent) uses a variable with no value and no default; stops once the list is full.
 */
async function contactsMissingVariables(db: Db, campaignId: string, audience: SQL, steps: StepWithVariants[]) {
  const templates: string[] = [];
  for (const step of steps) {
    for (const v of step.variants) {
      if (v.weight <= 0) continue;
      for (const t of [v.subject, v.bodyText, v.bodyHtml]) if (t) templates.push(t);
    }
  }
  // Follow-ups without a subject reply as "Re: " + the first step's (first variant's) subject.
  const firstSubject = steps[0]?.variants[0]?.subject;
  if (firstSubject && steps.some((s) => s.position > 1 && s.variants.some((v) => !v.subject))) templates.push(firstSubject);
  const unique = [...new Set(templates)];
  const sender = await sampleSender(db, campaignId);
  const check = createMissingVariablesCheck();
  const contacts: LaunchCheck['missingVariables'] = [];
  let templateError: string | null = null;
  const missingFor = (template: string, vars: TemplateVars, seed: string) => {
    try {
      return check(template, vars, seed);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      templateError ??= err.message;
      return [];
    }
  };
  let after: string | null = null;
  for (;;) {
    const batch: ContactRowOut[] = await queryRows<ContactRowOut>(db, sql`
      SELECT id, email, first_name, last_name, company, title, phone, time_zone, custom FROM contacts
      WHERE ${audience} ${after ? sql`AND contacts.id > ${after}` : sql``} ORDER BY contacts.id LIMIT ${BATCH}`);
    for (const row of batch) {
      const c: ContactFields = { id: row.id, email: row.email, firstName: row.first_name, lastName: row.last_name, company: row.company, title: row.title, phone: row.phone, timeZone: row.time_zone, custom: row.custom ?? {} };
      const vars = messageVariables(c, sender);
      const names = new Set<string>();
      for (const t of unique) for (const name of missingFor(t, vars, spintaxSeed(c.id))) names.add(name);
      if (!names.size) continue;
      if (contacts.length === MISSING_LIST_LIMIT) return { contacts, more: true, templateError };
      contacts.push({ contactId: c.id, email: c.email ?? '', variables: [...names].sort() });
    }
    if (batch.length < BATCH) return { contacts, more: false, templateError };
    after = batch.at(-1)!.id;
  }
}

interface ContactRowOut {
  id: string; email: string | null; first_name: string | null; last_name: string | null; company: string | null; title: string | null;
  phone: string | null; time_zone: string | null; custom: Record<string, string | number | boolean | null> | null;
}
