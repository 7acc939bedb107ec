import { parseRawEmail } from '../inbound/parse-email.js';
import { ChannelApiError } from '../oauth/failure.js';
import type { InboundEmail } from '../types.js';
import type { OutlookContext } from './client.js';

/**
 * One message's MIME ($value), parsed: the raw source keeps every header and the DSN parts a
 * bounce needs. Null when it is gone (deleted since the delta listed it). Other failures throw,
 * so the cursor does not move past the message.
 */
export async function getInboundMessage(ctx: OutlookContext, ref: { id: string; conversationId?: string; receivedDateTime?: string }): Promise<InboundEmail | null> {
  const answer = await ctx.api.request<Buffer>(`/me/messages/${encodeURIComponent(ref.id)}/$value`, { bytes: true });
  if (!answer.ok) {
    if (answer.status === 404) return null;
    throw new ChannelApiError(answer.failure, answer.status);
  }
  const received = ref.receivedDateTime ? new Date(ref.receivedDateTime) : undefined;
  const email = await parseRawEmail(answer.data, ref.id, received);
  return { ...email, providerThreadId: ref.conversationId ?? null };
}
