import { graphRequest, type GraphSettings } from './client.js';
import type { GraphFailure } from './errors.js';

/** RESPONSE inside the 24-hour window; MESSAGE_TAG with a permitted tag outside it; UPDATE for non-replies inside it. */
export type MessagingType = 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
export type MessageTag = 'HUMAN_AGENT' | 'CONFIRMED_EVENT_UPDATE' | 'POST_PURCHASE_UPDATE' | 'ACCOUNT_UPDATE';

export interface SendMessageInput {
  pageToken: string;
  psid: string;
  text: string;
  messagingType: MessagingType;
  tag?: MessageTag | null;
}

export type SendMessageResult = { ok: true; mid: string; recipientId: string } | GraphFailure;

/** Longest text the Send API accepts. */
export const MAX_TEXT_LENGTH = 2000;

/**
 * One text message through the Send API (POST /me/messages with the page token). Never throws for
 * a Graph answer: failures come back classified (see errors.ts) so the caller decides between
 * "reconnect the page", "failed, do not retry" and "back off and retry".
 */
export async function sendMessage(s: GraphSettings, input: SendMessageInput): Promise<SendMessageResult> {
  const body = {
    recipient: { id: input.psid },
    messaging_type: input.messagingType,
    ...(input.messagingType === 'MESSAGE_TAG' && input.tag && { tag: input.tag }),
    message: { text: input.text },
  };
  const res = await graphRequest<{ recipient_id?: string; message_id?: string }>(s, { method: 'POST', path: '/me/messages', accessToken: input.pageToken, json: body });
  if (!res.ok) return res;
  if (!res.data.message_id) return { ok: false, kind: 'transient', code: null, subcode: null, status: 200, message: 'Facebook accepted the message but returned no message id' };
  return { ok: true, mid: res.data.message_id, recipientId: res.data.recipient_id ?? input.psid };
}
