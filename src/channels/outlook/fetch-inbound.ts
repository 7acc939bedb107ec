import { ChannelApiError } from '../oauth/failure.js';
import type { InboundBatch, InboundEmail } from '../types.js';
import { IMMUTABLE_IDS, isGraphLink, odataQuery, type OutlookContext } from './client.js';
import { getInboundMessage } from './get-message.js';

interface DeltaItem {
  id: string;
  conversationId?: string;
  receivedDateTime?: string;
  '@removed'?: unknown;
}
interface DeltaPage {
  value?: DeltaItem[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** At most this many messages per call; the cursor is then the round's nextLink and the next call goes on. */
const BATCH = 100;
const PAGE_SIZE = 50;
/** A round longer than this is a bug or a loop, not a mailbox. */
const MAX_PAGES = 10_000;
/** The first round starts a little in the past, in case our clock runs ahead of Exchange's. */
const CLOCK_SKEW_MS = 10 * 60_000;
/** After an expired cursor, replies from this far back are returned again (the caller dedupes by providerId). */
const RESYNC_WINDOW_MS = 2 * 24 * 3600_000;

/**
 * New Inbox messages through Graph delta rounds; `cursor` is the link to resume from (the
 * deltaLink of the last round, or a nextLink when a batch filled up mid-round).
 * Null starts from now: one initial round, narrowed to recent mail, whose messages are skipped;
 * its deltaLink is the cursor. An expired cursor (410 SyncStateNotFound) resyncs.
 * changeType=created: read/flag updates are not new mail. Graph may still send `@removed` rows
 * (deleted or moved out): skipped.
 */
export async function fetchOutlookInbound(ctx: OutlookContext, cursor: string | null): Promise<InboundBatch> {
  if (cursor === null) {
    const round = await runRound(ctx, initialLink(ctx, ctx.now() - CLOCK_SKEW_MS), () => false, Infinity);
    if (round === 'expired') throw new Error('Graph refused a fresh delta round with 410');
    return { messages: [], cursor: round.cursor };
  }
  if (!isGraphLink(ctx, cursor)) return resync(ctx);
  const round = await runRound(ctx, cursor, () => true, BATCH);
  if (round === 'expired') return resync(ctx);
  return { messages: await load(ctx, round.items), cursor: round.cursor };
}

/**
 * A new initial round over the last two days, returning those messages, so a reply that came
 * while the sync state was lost still stops its sequence.
 */
async function resync(ctx: OutlookContext): Promise<InboundBatch> {
  const since = ctx.now() - RESYNC_WINDOW_MS;
  // The server filters by date too; checking here as well keeps the window exact.
  const recent = (item: DeltaItem) => !item.receivedDateTime || Date.parse(item.receivedDateTime) >= since;
  const round = await runRound(ctx, initialLink(ctx, since), recent, BATCH);
  if (round === 'expired') throw new Error('Graph refused a fresh delta round with 410');
  return { messages: await load(ctx, round.items), cursor: round.cursor, resynced: true };
}

/** receivedDateTime ge … is the one $filter message delta supports; it rides along in every later link. */
function initialLink(ctx: OutlookContext, since: number): string {
  const query = odataQuery({
    changeType: 'created',
    $select: 'id,conversationId,receivedDateTime',
    $filter: `receivedDateTime ge ${new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
  });
  return `${ctx.root}/me/mailFolders/inbox/messages/delta?${query}`;
}

/** Follows nextLinks until the deltaLink, or until `max` kept items (then the nextLink is the cursor). */
async function runRound(ctx: OutlookContext, link: string, keep: (item: DeltaItem) => boolean, max: number): Promise<{ items: DeltaItem[]; cursor: string } | 'expired'> {
  const items: DeltaItem[] = [];
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await ctx.api.request<DeltaPage>(link, { headers: { prefer: `${IMMUTABLE_IDS}, odata.maxpagesize=${PAGE_SIZE}` } });
    if (!page.ok) {
      if (page.status === 410) return 'expired';
      throw new ChannelApiError(page.failure, page.status);
    }
    for (const item of page.data.value ?? []) if (!item['@removed'] && keep(item)) items.push(item);
    const deltaLink = page.data['@odata.deltaLink'];
    const nextLink = page.data['@odata.nextLink'];
    const next = deltaLink ?? nextLink;
    if (!next || !isGraphLink(ctx, next)) throw new Error('Graph delta page without a usable nextLink or deltaLink');
    if (deltaLink || items.length >= max) return { items, cursor: next };
    link = next;
  }
  throw new Error(`Graph delta round did not end within ${MAX_PAGES} pages`);
}

async function load(ctx: OutlookContext, items: DeltaItem[]): Promise<InboundEmail[]> {
  const messages: InboundEmail[] = [];
  for (const item of items) {
    const email = await getInboundMessage(ctx, item);
    if (email) messages.push(email);
  }
  return messages;
}
