import { parseRawEmail } from '../inbound/parse-email.js';
import { ChannelApiError } from '../oauth/failure.js';
import type { InboundEmail } from '../types.js';
import type { GmailContext } from './client.js';

interface RawMessage {
  id: string;
  threadId: string;
  internalDate?: string;
  raw: string;
}

/**
 * One message, format=raw, parsed, with Gmail's receive time (internalDate). Null when it is gone (deleted between listing and fetching:
 * nothing to read). Other failures throw, so the caller's cursor does not move past it.
 */
export async function getInboundMessage(ctx: GmailContext, id: string): Promise<{ email: InboundEmail; receivedAt: Date | null } | null> {
  const answer = await ctx.api.request<RawMessage>(`messages/${encodeURIComponent(id)}`, { query: 'format=raw' });
  if (!answer.ok) {
    if (answer.status === 404) return null;
    throw new ChannelApiError(answer.failure, answer.status);
  }
  const { raw, threadId, internalDate } = answer.data;
  // internalDate is when Gmail received it: a better fallback than now when Date: is missing or bad.
  const receivedAt = internalDate ? new Date(Number(internalDate)) : null;
  const email = await parseRawEmail(Buffer.from(raw, 'base64url'), id, receivedAt ?? undefined);
  return { email: { ...email, providerThreadId: threadId }, receivedAt };
}
