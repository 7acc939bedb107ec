import { composeMime } from '../mime/message.js';
import type { OutgoingEmail, SendResult } from '../types.js';
import type { GmailContext } from './client.js';

interface SentMessage {
  id: string;
  threadId: string;
}

/**
 * users.messages.send with our own RFC 5322 bytes (base64url `raw`), so Gmail keeps our
 * Message-ID and headers. `threadId` files a follow-up into the thread; Gmail only honours it when
 * References/In-Reply-To and the subject agree, which our follow-ups do.
 */
export async function sendViaGmail(ctx: GmailContext, email: OutgoingEmail): Promise<SendResult> {
  let raw: string;
  try {
    raw = composeMime(email).raw.toString('base64url');
  } catch (error) {
    // A malformed address or header can never be delivered: retrying would not help.
    return { ok: false, kind: 'permanent', code: 'EMESSAGE', message: (error as Error).message };
  }
  const post = (threadId?: string | null) => ctx.api.request<SentMessage>('messages/send', { method: 'POST', json: { raw, ...(threadId && { threadId }) } });

  let answer = await post(email.providerThreadId);
  // The thread was deleted since (Gmail: 404 for an unknown threadId): send it as a new thread
  // rather than not at all; the headers still thread it for the recipient.
  if (!answer.ok && answer.status === 404 && email.providerThreadId) answer = await post(null);
  if (!answer.ok) return answer.failure;
  return { ok: true, providerMessageId: answer.data.id, providerThreadId: answer.data.threadId };
}
