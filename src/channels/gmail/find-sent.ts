import type { SentLookup } from '../types.js';
import type { GmailContext } from './client.js';

/**
 * Did a message with this Message-ID leave the mailbox? Gmail's `rfc822msgid:` search over SENT.
 * Any failure is 'unknown' (never 'not_found'): a wrong "not sent" would send it twice.
 */
export async function findSentInGmail(ctx: GmailContext, messageId: string): Promise<SentLookup> {
  const id = messageId.trim().replace(/^<|>$/g, '');
  // Our ids never hold spaces or quotes; one that does would be read as more search terms.
  if (!id || /[\s"<>]/.test(id)) return 'unknown';
  const query = new URLSearchParams({ q: `rfc822msgid:${id}`, labelIds: 'SENT', maxResults: '1' });
  const answer = await ctx.api.request<{ messages?: unknown[] }>('messages', { query: query.toString() });
  if (!answer.ok) return 'unknown';
  return answer.data.messages?.length ? 'sent' : 'not_found';
}
