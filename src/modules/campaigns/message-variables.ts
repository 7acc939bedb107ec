import { Liquid } from 'liquidjs';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaignSenders, senderAccounts } from '../../db/schema/index.js';
import { contactVariables, expandSpintax, missingVariables, type TemplateVars } from '../../lib/templates.js';

/**
 * The values a campaign message renders with, exactly as the engine builds them
 * (engine/compose-message.ts): the contact's variables plus the sending inbox's name and
 * address, with spintax seeded by the contact id.
 */
export interface ContactFields {
  id: string; email: string | null; firstName: string | null; lastName: string | null; company: string | null; title: string | null;
  phone: string | null; timeZone: string | null; custom: Record<string, string | number | boolean | null>;
}

export const spintaxSeed = (contactId: string) => contactId;

export function messageVariables(contact: ContactFields, sender: { fromName: string | null; email: string } | null): TemplateVars {
  return { ...contactVariables(contact), sender_name: sender?.fromName ?? null, sender_email: sender?.email ?? null };
}

/** The inbox a preview or check renders as: the campaign's first active one (any, failing that). */
export async function sampleSender(db: Db, campaignId: string) {
  const rows = await db.select({ fromName: senderAccounts.fromName, email: senderAccounts.email, status: senderAccounts.status })
    .from(campaignSenders).innerJoin(senderAccounts, eq(senderAccounts.id, campaignSenders.senderId))
    .where(eq(campaignSenders.campaignId, campaignId)).orderBy(asc(senderAccounts.email));
  return rows.find((r) => r.status === 'active') ?? rows[0] ?? null;
}

const analysis = new Liquid({ templates: {}, ownPropertyOnly: true });
const rootsCache = new Map<string, { roots: string[] | null; hasTags: boolean }>();

function templateShape(text: string) {
  let shape = rootsCache.get(text);
  if (!shape) {
    let roots: string[] | null;
    try {
      roots = [...new Set(analysis.globalVariablesSync(text).map((v) => v.split(/[.[]/)[0]!))];
    } catch {
      // Not analysable: every contact gets the full check.
      roots = null;
    }
    shape = { roots, hasTags: text.includes('{%') };
    if (rootsCache.size > 10_000) rootsCache.clear();
    rootsCache.set(text, shape);
  }
  return shape;
}

const present = (v: unknown) => v !== null && v !== undefined && v !== '';

/**
 * missingVariables over a whole audience without rendering every contact: a contact with every
 * referenced variable filled cannot miss one, and otherwise the answer depends only on which
 * variables are empty (or, when the template has tags such as `if`, on their values), so it is
 * computed once per distinct case.
 */
export function createMissingVariablesCheck() {
  const memo = new Map<string, string[]>();
  return (source: string, vars: TemplateVars, seed: string): string[] => {
    const text = expandSpintax(source, seed);
    const { roots, hasTags } = templateShape(text);
    if (!roots) return missingVariables(source, vars, { seed });
    if (roots.every((r) => present(vars[r]))) return [];
    const signature = hasTags ? JSON.stringify(roots.map((r) => vars[r] ?? null)) : roots.map((r) => (present(vars[r]) ? '1' : '0')).join('');
    const key = `${text}\u0000${signature}`;
    let missing = memo.get(key);
    if (!missing) {
      missing = missingVariables(source, vars, { seed });
      if (memo.size > 50_000) memo.clear();
      memo.set(key, missing);
    }
    return missing;
  };
}
