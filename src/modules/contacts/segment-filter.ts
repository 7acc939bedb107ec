import { z } from 'zod';
import { sql, type SQL } from 'drizzle-orm';
import { CONTACT_STATUSES, EVENT_TYPES } from '../../db/schema/index.js';
import { sqlArray } from '../../db/sql-helpers.js';

/**
 * Segments are saved filters, compiled to one SQL predicate over `contacts` (alias-free, so it
 * composes into counts, pages and exports). Values always travel as bound parameters.
 */
const TEXT_FIELDS = { email: 'email', firstName: 'first_name', lastName: 'last_name', company: 'company', title: 'title', phone: 'phone', timeZone: 'time_zone', source: 'source' } as const;
const TEXT_OPS = ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'ends_with', 'is_empty', 'is_not_empty', 'in'] as const;
const NUMBER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const;
const DATE_OPS = ['before', 'after', 'within_days', 'older_than_days'] as const;

const textCond = z.object({ type: z.literal('text'), field: z.enum(Object.keys(TEXT_FIELDS) as [keyof typeof TEXT_FIELDS]), op: z.enum(TEXT_OPS), value: z.union([z.string().max(500), z.array(z.string().max(500)).max(1000)]).optional() });
const statusCond = z.object({ type: z.literal('status'), op: z.enum(['eq', 'neq', 'in']), value: z.union([z.enum(CONTACT_STATUSES), z.array(z.enum(CONTACT_STATUSES))]) });
const tagCond = z.object({ type: z.literal('tag'), op: z.enum(['has', 'not_has']), value: z.string().min(1).max(100) });
const dateCond = z.object({ type: z.literal('date'), field: z.enum(['createdAt', 'updatedAt']), op: z.enum(DATE_OPS), value: z.union([z.iso.datetime({ offset: true }), z.iso.date(), z.number().int().min(0).max(36500)]) });
const customCond = z.object({
  type: z.literal('custom'), key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/),
  op: z.enum([...TEXT_OPS, 'gt', 'gte', 'lt', 'lte', 'before', 'after', 'is_true', 'is_false']),
  value: z.union([z.string().max(500), z.number(), z.boolean(), z.array(z.string().max(500)).max(1000)]).optional(),
});
const engagementCond = z.object({
  type: z.literal('engagement'), event: z.enum(EVENT_TYPES), campaignId: z.uuid().optional(),
  withinDays: z.number().int().min(1).max(3650).optional(), negate: z.boolean().default(false),
});
const listCond = z.object({ type: z.literal('list'), listId: z.uuid(), negate: z.boolean().default(false) });

export type Condition =
  | z.infer<typeof textCond> | z.infer<typeof statusCond> | z.infer<typeof tagCond> | z.infer<typeof dateCond>
  | z.infer<typeof customCond> | z.infer<typeof engagementCond> | z.infer<typeof listCond>
  | { type: 'group'; match: 'all' | 'any'; conditions: Condition[] };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion('type', [
    textCond, statusCond, tagCond, dateCond, customCond, engagementCond, listCond,
    z.object({ type: z.literal('group'), match: z.enum(['all', 'any']), conditions: z.array(conditionSchema).max(50) }),
  ]),
) as z.ZodType<Condition>;

export const segmentFilterSchema = z.object({ match: z.enum(['all', 'any']), conditions: z.array(conditionSchema).max(50) });
export type SegmentFilter = z.infer<typeof segmentFilterSchema>;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);
const asArray = (v: unknown) => (Array.isArray(v) ? v.map(String) : [String(v ?? '')]);

function textPredicate(col: SQL, op: (typeof TEXT_OPS)[number] | string, value: unknown): SQL {
  const v = typeof value === 'string' ? value : '';
  switch (op) {
    case 'eq': return sql`lower(${col}) = lower(${v})`;
    case 'neq': return sql`(${col} IS NULL OR lower(${col}) <> lower(${v}))`;
    case 'contains': return sql`${col} ILIKE ${'%' + escapeLike(v) + '%'}`;
    case 'not_contains': return sql`(${col} IS NULL OR ${col} NOT ILIKE ${'%' + escapeLike(v) + '%'})`;
    case 'starts_with': return sql`${col} ILIKE ${escapeLike(v) + '%'}`;
    case 'ends_with': return sql`${col} ILIKE ${'%' + escapeLike(v)}`;
    case 'is_empty': return sql`coalesce(${col}, '') = ''`;
    case 'is_not_empty': return sql`coalesce(${col}, '') <> ''`;
    case 'in': return sql`lower(${col}) = ANY(${sqlArray(asArray(value).map((s) => s.toLowerCase()), 'text')})`;
  }
  throw new Error(`unsupported text operator ${op}`);
}

function datePredicate(col: SQL, op: string, value: unknown): SQL {
  switch (op) {
    case 'before': return sql`${col} < ${String(value)}::timestamptz`;
    case 'after': return sql`${col} > ${String(value)}::timestamptz`;
    case 'within_days': return sql`${col} >= now() - make_interval(days => ${Number(value)})`;
    case 'older_than_days': return sql`${col} < now() - make_interval(days => ${Number(value)})`;
  }
  throw new Error(`unsupported date operator ${op}`);
}

function customPredicate(c: z.infer<typeof customCond>): SQL {
  const text = sql`(contacts.custom ->> ${c.key})`;
  const num = sql`(CASE WHEN jsonb_typeof(contacts.custom -> ${c.key}) = 'number' THEN (contacts.custom ->> ${c.key})::numeric END)`;
  switch (c.op) {
    case 'is_true': return sql`(contacts.custom -> ${c.key}) = 'true'::jsonb`;
    case 'is_false': return sql`coalesce((contacts.custom -> ${c.key}) = 'false'::jsonb, false)`;
    case 'gt': return sql`${num} > ${Number(c.value)}`;
    case 'gte': return sql`${num} >= ${Number(c.value)}`;
    case 'lt': return sql`${num} < ${Number(c.value)}`;
    case 'lte': return sql`${num} <= ${Number(c.value)}`;
    case 'before': case 'after': return sql`(${text} ~ '^\\d{4}-\\d{2}-\\d{2}' AND ${datePredicate(sql`(${text})::timestamptz`, c.op, c.value)})`;
    case 'eq': case 'neq':
      if (typeof c.value === 'number') return c.op === 'eq' ? sql`${num} = ${c.value}` : sql`${num} IS DISTINCT FROM ${c.value}`;
      return textPredicate(text, c.op, c.value === undefined ? '' : String(c.value));
    default: return textPredicate(text, c.op, c.value);
  }
}

function compileCondition(c: Condition): SQL {
  switch (c.type) {
    case 'text': return textPredicate(sql.raw(`contacts.${TEXT_FIELDS[c.field]}`), c.op, c.value);
    case 'status': return c.op === 'neq' ? sql`contacts.status <> ${String(c.value)}` : sql`contacts.status = ANY(${sqlArray(asArray(c.value), 'text')})`;
    case 'tag': return c.op === 'has' ? sql`contacts.tags @> ARRAY[${c.value}]::text[]` : sql`NOT (contacts.tags @> ARRAY[${c.value}]::text[])`;
    case 'date': return datePredicate(sql.raw(c.field === 'createdAt' ? 'contacts.created_at' : 'contacts.updated_at'), c.op, c.value);
    case 'custom': return customPredicate(c);
    case 'engagement': {
      const exists = sql`EXISTS (SELECT 1 FROM contact_events e WHERE e.contact_id = contacts.id AND e.type = ${c.event}${c.campaignId ? sql` AND e.campaign_id = ${c.campaignId}` : sql``}${c.withinDays ? sql` AND e.occurred_at >= now() - make_interval(days => ${c.withinDays})` : sql``})`;
      return c.negate ? sql`NOT ${exists}` : exists;
    }
    case 'list': {
      const exists = sql`EXISTS (SELECT 1 FROM list_members lm WHERE lm.contact_id = contacts.id AND lm.list_id = ${c.listId})`;
      return c.negate ? sql`NOT ${exists}` : exists;
    }
    case 'group': return compileGroup(c.match, c.conditions);
  }
}

function compileGroup(match: 'all' | 'any', conditions: Condition[]): SQL {
  if (conditions.length === 0) return sql`TRUE`;
  const parts = conditions.map((c) => sql`(${compileCondition(c)})`);
  return sql`(${sql.join(parts, match === 'all' ? sql` AND ` : sql` OR `)})`;
}

/** The WHERE predicate for a segment (without the workspace scope, which callers always add). */
export const compileSegmentFilter = (filter: SegmentFilter): SQL => compileGroup(filter.match, filter.conditions);

/** Lists referenced by a filter, so callers can check they belong to the same workspace. */
export function referencedListIds(filter: { conditions: Condition[] }): string[] {
  return filter.conditions.flatMap((c) => (c.type === 'list' ? [c.listId] : c.type === 'group' ? referencedListIds(c) : []));
}
