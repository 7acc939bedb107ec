import { ChannelApiError } from '../oauth/failure.js';
import type { InboundBatch, InboundEmail } from '../types.js';
import type { GmailContext } from './client.js';
import { getInboundMessage } from './get-message.js';
import { recentInboxMessages } from './recent-inbox.js';

interface HistoryPage {
  history?: { id: string; messagesAdded?: { message: { id: string; labelIds?: string[] } }[] }[];
  nextPageToken?: string;
  historyId: string;
}

/** At most this many messages per call; the cursor stops at that history record and the next call goes on. */
const BATCH = 100;
/** Records per history page: below BATCH, so a full batch spans pages and paging is always exercised. */
const HISTORY_PAGE = 50;
/** After an expired cursor, replies from this far back are returned again (the caller dedupes by providerId). */
const RESYNC_WINDOW_MS = 2 * 24 * 3600_000;

/**
 * New INBOX messages since `cursor` = a Gmail historyId (an opaque, growing number: never do
 * arithmetic on it). Null starts from now: the current historyId, no messages. Gmail keeps
 * history for about a week; an older startHistoryId gets 404, and we resync (see resync()).
 */
export async function fetchGmailInbound(ctx: GmailContext, cursor: string | null): Promise<InboundBatch> {
  if (cursor === null) return { messages: [], cursor: await currentHistoryId(ctx) };
  if (!/^\d+$/.test(cursor)) return resync(ctx);

  const ids: string[] = [];
  const seen = new Set<string>();
  let pageToken: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ startHistoryId: cursor, historyTypes: 'messageAdded', labelId: 'INBOX', maxResults: String(HISTORY_PAGE) });
    if (pageToken) query.set('pageToken', pageToken);
    const page = await ctx.api.request<HistoryPage>('history', { query: query.toString() });
    if (!page.ok) {
      if (page.status === 404) return resync(ctx);
      throw new ChannelApiError(page.failure, page.status);
    }
    for (const record of page.data.history ?? []) {
      for (const { message } of record.messagesAdded ?? []) {
        // One record may carry several messages; the label filter is per record, so check each.
        if (seen.has(message.id) || (message.labelIds && !message.labelIds.includes('INBOX'))) continue;
        seen.add(message.id);
        ids.push(message.id);
      }
      if (ids.length >= BATCH) return { messages: await load(ctx, ids), cursor: record.id };
    }
    pageToken = page.data.nextPageToken;
    if (!pageToken) return { messages: await load(ctx, ids), cursor: page.data.historyId };
  }
}

async function load(ctx: GmailContext, ids: string[]): Promise<InboundEmail[]> {
  const messages: InboundEmail[] = [];
  for (const id of ids) {
    const got = await getInboundMessage(ctx, id);
    if (got) messages.push(got.email);
  }
  return messages;
}

/**
 * The cursor is out of Gmail's history window (or unreadable): start again from the current
 * historyId and, so that a reply in the gap still stops a sequence, return the INBOX messages of
 * the last two days. The new position is taken first: mail arriving while we list shows up in the
 * next history call (maybe twice, never not at all).
 */
async function resync(ctx: GmailContext): Promise<InboundBatch> {
  const cursor = await currentHistoryId(ctx);
  const messages = await recentInboxMessages(ctx, RESYNC_WINDOW_MS, BATCH);
  return { messages, cursor, resynced: true };
}

async function currentHistoryId(ctx: GmailContext): Promise<string> {
  const profile = await ctx.api.request<{ historyId: string }>('profile');
  if (!profile.ok) throw new ChannelApiError(profile.failure, profile.status);
  return profile.data.historyId;
}
