import { composeMime } from '../mime/message.js';
import type { OutgoingEmail, SendResult } from '../types.js';
import type { OutlookContext } from './client.js';

/**
 * POST /me/sendMail in MIME form (text/plain body = base64 of the message): the JSON form only
 * takes x- custom headers, so List-Unsubscribe, Message-ID and the threading headers would be lost.
 * Graph answers 202 with no body and no id: the message is looked up in Sent Items by
 * internetMessageId when its id is needed (lookupSentMessage). Exchange threads by the headers;
 * providerThreadId is not used.
 */
export async function sendViaGraph(ctx: OutlookContext, email: OutgoingEmail): Promise<SendResult> {
  let mime: Buffer;
  try {
    mime = composeMime(email).raw;
  } catch (error) {
    // A malformed address or header can never be delivered: retrying would not help.
    return { ok: false, kind: 'permanent', code: 'EMESSAGE', message: (error as Error).message };
  }
  const answer = await ctx.api.request('/me/sendMail', { method: 'POST', body: mime.toString('base64'), headers: { 'content-type': 'text/plain' } });
  if (!answer.ok) return answer.failure;
  return { ok: true, response: `${answer.status} Accepted` };
}
