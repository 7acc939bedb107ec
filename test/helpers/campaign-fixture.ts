import { eq } from 'drizzle-orm';
import type { Deps } from '../../src/http/context.js';
import {
  campaignAudience, campaigns, campaignSenders, campaignSteps, contacts, listMembers, lists, memberships, senderAccounts, stepVariants, workspaces,
} from '../../src/db/schema/index.js';
import { createChannelCache } from '../../src/engine/channel-cache.js';
import { dispatchOnce } from '../../src/engine/dispatcher.js';
import { enrollAudience } from '../../src/engine/enroll.js';
import { createSmtpAccount } from '../../src/modules/senders/senders.js';

/**
 * A running campaign built straight in the database (the engine's own tests do not go through
 * the campaigns API): a workspace with a postal address, SMTP inboxes pointing at a local SMTP
 * server, contacts in a list, and the steps asked for.
 */
export interface CampaignSeed {
  smtpPort: number;
  smtpUser?: string;
  smtpPassword?: string;
  inboxes?: number;
  inbox?: { dailyCap?: number; minGapSeconds?: number; maxGapSeconds?: number; fromName?: string };
  contacts: number | { email: string; firstName?: string; lastName?: string; company?: string; timeZone?: string }[];
  steps?: { delayMinutes?: number; variants: { label?: string; subject?: string | null; bodyText: string; bodyHtml?: string | null; weight?: number }[] }[];
  campaign?: Partial<typeof campaigns.$inferInsert>;
}

export interface SeededCampaign {
  workspaceId: string;
  campaignId: string;
  senderIds: string[];
  contactIds: string[];
  listId: string;
}

export async function seedCampaign(deps: Pick<Deps, 'db' | 'config'>, seed: CampaignSeed): Promise<SeededCampaign> {
  const { db } = deps;
  const [ws] = await db.insert(workspaces).values({ name: 'Acme Outreach', postalAddress: 'Acme Inc., 1 Main St, Springfield' }).returning();
  const workspaceId = ws!.id;
  const senderIds: string[] = [];
  for (let i = 0; i < (seed.inboxes ?? 1); i++) {
    const email = `sender${i + 1}@acme.test`;
    const row = await createSmtpAccount(db, deps.config.secrets, workspaceId, {
      email, fromName: seed.inbox?.fromName ?? `Sam ${i + 1}`,
      smtp: { host: '127.0.0.1', port: seed.smtpPort, security: 'none', user: seed.smtpUser ?? 'sender', password: seed.smtpPassword ?? 'sender-password' },
      imap: { host: '127.0.0.1', port: 1, secure: false, user: email, password: 'unused' },
      dailyCap: seed.inbox?.dailyCap ?? 1000, minGapSeconds: seed.inbox?.minGapSeconds ?? 0, maxGapSeconds: seed.inbox?.maxGapSeconds ?? 0,
    });
    senderIds.push(row.id);
  }
  const people = typeof seed.contacts === 'number'
    ? Array.from({ length: seed.contacts }, (_, i) => ({ email: `lead${i + 1}@prospect${i % 7}.test`, firstName: `Lead${i + 1}`, company: `Prospect ${i % 7}` }))
    : seed.contacts;
  const inserted = people.length
    ? await db.insert(contacts).values(people.map((p) => ({ workspaceId, email: p.email, firstName: p.firstName ?? null, lastName: 'lastName' in p ? p.lastName ?? null : null, company: p.company ?? null, timeZone: 'timeZone' in p ? p.timeZone ?? null : null }))).returning({ id: contacts.id })
    : [];
  const [list] = await db.insert(lists).values({ workspaceId, name: 'Leads' }).returning();
  if (inserted.length) await db.insert(listMembers).values(inserted.map((c) => ({ listId: list!.id, contactId: c.id })));

  const [campaign] = await db.insert(campaigns).values({
    workspaceId, name: 'Q4 outreach', status: 'running', timezone: 'UTC', sendDays: [1, 2, 3, 4, 5, 6, 7], windowStartMinute: 0, windowEndMinute: 1440,
    launchedAt: new Date(), ...seed.campaign,
  }).returning();
  const campaignId = campaign!.id;
  await db.insert(campaignSenders).values(senderIds.map((senderId) => ({ campaignId, senderId })));
  await db.insert(campaignAudience).values({ campaignId, listId: list!.id });
  const steps = seed.steps ?? [{ variants: [{ subject: 'Quick question, {{ first_name | default: "there" }}', bodyText: 'Hi {{ first_name }}, saw {{ company }} is growing. Worth a chat? https://acme.test/demo' }] }];
  for (const [i, step] of steps.entries()) {
    const [row] = await db.insert(campaignSteps).values({ campaignId, position: i + 1, delayMinutes: step.delayMinutes ?? 0 }).returning();
    await db.insert(stepVariants).values(step.variants.map((v, j) => ({
      stepId: row!.id, label: v.label ?? String.fromCharCode(65 + j), subject: v.subject === undefined ? (i === 0 ? 'Hello' : null) : v.subject,
      bodyText: v.bodyText, bodyHtml: v.bodyHtml ?? null, weight: v.weight ?? 1,
    })));
  }
  return { workspaceId, campaignId, senderIds, contactIds: inserted.map((c) => c.id), listId: list!.id };
}

export async function setSenderStatus(deps: Pick<Deps, 'db'>, senderId: string, status: 'active' | 'reconnect_needed' | 'paused') {
  await deps.db.update(senderAccounts).set({ status, updatedAt: new Date() }).where(eq(senderAccounts.id, senderId));
}

/** Enrolls the audience and runs one dispatch round at `now` (fresh channels, closed after). */
export async function sendOnce(deps: Pick<Deps, 'db' | 'config' | 'log'>, seeded: SeededCampaign, now = new Date()) {
  await enrollAudience(deps, seeded.campaignId, now);
  const channels = createChannelCache(deps);
  try {
    return await dispatchOnce(deps, channels, { now, workerId: 'test-worker', batchSize: 50, concurrency: 2, leaseMs: 60_000 });
  } finally {
    await channels.closeAll();
  }
}

/** Makes an API user an owner of a seeded workspace, so a TestClient can read it. */
export async function joinWorkspace(deps: Pick<Deps, 'db'>, userId: string, workspaceId: string) {
  await deps.db.insert(memberships).values({ workspaceId, userId, role: 'owner' });
}
