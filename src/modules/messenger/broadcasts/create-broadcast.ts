import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { broadcasts } from '../../../db/schema/index.js';
import { sqlArray } from '../../../db/sql-helpers.js';
import type { Deps } from '../../../http/context.js';
import { MAX_TEXT_LENGTH } from '../../../channels/messenger/index.js';
import { validateTemplate } from '../../../lib/templates.js';
import { conflict, fieldError, validationFailed, type FieldError } from '../../../lib/problems.js';
import { assertQuotaLeft } from '../../billing/quota.js';
import { requireMessenger } from '../messenger-config.js';
import { getPage } from '../pages.js';
import { broadcastAudience } from './broadcast-audience.js';
import { BROADCAST_TAGS, broadcastWindow, isBroadcastTag, type BroadcastTag } from './broadcast-window.js';
import { getBroadcast, type BroadcastView } from './get-broadcast.js';
import { wakeBroadcast } from './broadcast-jobs.js';

export interface CreateBroadcastInput {
  workspaceId: string;
  userId: string | null;
  pageId: string;
  segmentId?: string | null;
  listId?: string | null;
  text: string;
  tag?: string | null;
  now?: Date;
}

/** Rows per INSERT: three bound arrays of this length stay far below PostgreSQL's parameter limit. */
const INSERT_CHUNK = 5000;

function validate(input: CreateBroadcastInput): BroadcastTag | null {
  const errors: FieldError[] = [];
  if (!input.segmentId === !input.listId) errors.push({ field: input.segmentId ? 'listId' : 'segmentId', message: 'give either a segmentId or a listId' });
  if (!input.text.trim()) errors.push({ field: 'text', message: 'is required' });
  else if (input.text.length > MAX_TEXT_LENGTH) errors.push({ field: 'text', message: `must be at most ${MAX_TEXT_LENGTH} characters (Messenger's limit)` });
  else {
    const problem = validateTemplate(input.text);
    if (problem) errors.push({ field: 'text', message: `is not a valid template: ${problem}` });
  }
  const tag = input.tag || null;
  if (tag === 'HUMAN_AGENT') errors.push({ field: 'tag', message: 'HUMAN_AGENT is only for a reply a person types in a conversation, not for broadcasts' });
  else if (tag && !isBroadcastTag(tag)) errors.push({ field: 'tag', message: `must be one of ${BROADCAST_TAGS.join(', ')}` });
  if (errors.length) throw validationFailed(errors);
  return tag as BroadcastTag | null;
}

/**
 * Creates a broadcast and its recipient list in one transaction: every Messenger subscriber of
 * the page in the segment or list is a recipient. Who can be reached is decided now, so the
 * skip list is there at once: outside the 24-hour window without a tag → 'skipped' with the
 * reason; the rest are 'pending' for the messenger-broadcast job, which checks the window again
 * at each one's turn (a long broadcast can outlast someone's window).
 */
export async function createBroadcast(deps: Deps, input: CreateBroadcastInput): Promise<BroadcastView> {
  requireMessenger(deps.config);
  const tag = validate(input);
  const now = input.now ?? new Date();
  const page = await getPage(deps.db, input.workspaceId, input.pageId);
  if (page.status !== 'active') {
    const why = `the page "${page.name}" needs reconnecting before it can send: ${page.statusReason ?? 'its access was revoked'}`;
    throw conflict(why, [{ field: 'pageId', message: why }]);
  }
  const source = input.segmentId ? { segmentId: input.segmentId } : { listId: input.listId! };
  const audience = await broadcastAudience(deps.db, page, source);
  if (!audience.length) throw fieldError(input.segmentId ? 'segmentId' : 'listId', `has no active Messenger subscribers of the page "${page.name}"`);
  const decisions = audience.map((m) => ({ contactId: m.contactId, decision: broadcastWindow(m.lastInboundAt, now, tag) }));
  if (decisions.some((d) => d.decision.allowed)) await assertQuotaLeft(deps.db, deps.config, input.workspaceId, now);

  const id = await deps.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [row] = await t.insert(broadcasts).values({
      workspaceId: input.workspaceId, pageId: page.id, segmentId: input.segmentId ?? null, listId: input.listId ?? null,
      text: input.text, tag, createdBy: input.userId, createdAt: now,
      // Nobody reachable: nothing for the job to do.
      ...(decisions.every((d) => !d.decision.allowed) && { status: 'finished' as const, finishedAt: now }),
    }).returning({ id: broadcasts.id });
    for (let i = 0; i < decisions.length; i += INSERT_CHUNK) {
      const chunk = decisions.slice(i, i + INSERT_CHUNK);
      await t.execute(sql`
        INSERT INTO broadcast_recipients (broadcast_id, contact_id, status, reason)
        SELECT ${row!.id}::uuid, r.contact_id, r.status, nullif(r.reason, '')
        FROM unnest(${sqlArray(chunk.map((d) => d.contactId), 'uuid')}, ${sqlArray(chunk.map((d) => (d.decision.allowed ? 'pending' : 'skipped')), 'text')},
                    ${sqlArray(chunk.map((d) => (d.decision.allowed ? '' : d.decision.reason)), 'text')}) AS r(contact_id, status, reason)`);
    }
    return row!.id;
  });
  if (decisions.some((d) => d.decision.allowed)) await wakeBroadcast(deps, id);
  return getBroadcast(deps.db, input.workspaceId, id, { limit: 0 }, deps.config);
}
