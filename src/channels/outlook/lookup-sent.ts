import type { ApiFailure } from '../oauth/failure.js';
import type { SentLookup } from '../types.js';
import { odataQuery, type OutlookContext } from './client.js';

export interface SentMessageRef {
  id: string;
  conversationId: string | null;
}

/**
 * Our message in Sent Items by its Message-ID (Graph's internetMessageId, kept from our MIME).
 * Exchange files the Sent Items copy a moment after the 202, so "not there yet" right after
 * sending is normal; after a crash (minutes later) it is an answer.
 */
export async function lookupSentMessage(ctx: OutlookContext, messageId: string): Promise<{ ok: true; message: SentMessageRef | null } | { ok: false; failure: ApiFailure }> {
  const id = messageId.trim();
  const query = odataQuery({
    // OData string literal: a quote is doubled.
    $filter: `internetMessageId eq '${id.replace(/'/g, "''")}'`,
    $select: 'id,conversationId',
    $top: '1',
  });
  const answer = await ctx.api.request<{ value: { id: string; conversationId?: string }[] }>('/me/mailFolders/sentitems/messages', { query });
  if (!answer.ok) return { ok: false, failure: answer.failure };
  const [found] = answer.data.value;
  return { ok: true, message: found ? { id: found.id, conversationId: found.conversationId ?? null } : null };
}

/** Any failure is 'unknown' (never 'not_found'): a wrong "not sent" would send it twice. */
export async function findSentInGraph(ctx: OutlookContext, messageId: string): Promise<SentLookup> {
  const found = await lookupSentMessage(ctx, messageId);
  if (!found.ok) return 'unknown';
  return found.message ? 'sent' : 'not_found';
}
