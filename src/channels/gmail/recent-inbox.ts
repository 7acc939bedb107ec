import { ChannelApiError } from '../oauth/failure.js';
import type { InboundEmail } from '../types.js';
import type { GmailContext } from './client.js';
import { getInboundMessage } from './get-message.js';

interface MessageList {
  messages?: { id: string; threadId: string }[];
  nextPageToken?: string;
}

const PAGE = 25;

/**
 * INBOX messages received within `windowMs`, oldest first, at most `max`: what a resync returns
 * so replies that arrived while the history was out of reach are not lost.
 * Real Gmail could narrow the list with q=newer_than:2d; the fake Gmail only supports
 * rfc822msgid: queries, so we list INBOX (newest first) and keep what is recent by internalDate,
 * stopping at the first page with nothing recent. Costs at most one page of old messages.
 */
export async function recentInboxMessages(ctx: GmailContext, windowMs: number, max: number): Promise<InboundEmail[]> {
  const since = ctx.now() - windowMs;
  const found: { email: InboundEmail; at: number }[] = [];
  let pageToken: string | undefined;
  while (found.length < max) {
    const query = new URLSearchParams({ labelIds: 'INBOX', maxResults: String(PAGE) });
    if (pageToken) query.set('pageToken', pageToken);
    const page = await ctx.api.request<MessageList>('messages', { query: query.toString() });
    if (!page.ok) throw new ChannelApiError(page.failure, page.status);
    let anyRecent = false;
    for (const ref of page.data.messages ?? []) {
      const got = await getInboundMessage(ctx, ref.id);
      // Gmail's receive time, not the Date: header, which the sender wrote.
      const at = got?.receivedAt?.getTime() ?? got?.email.date.getTime() ?? 0;
      if (!got || at < since) continue;
      anyRecent = true;
      found.push({ email: got.email, at });
      if (found.length >= max) break;
    }
    pageToken = page.data.nextPageToken;
    if (!anyRecent || !pageToken) break;
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.email);
}
