import type { MessagingType } from '../../../channels/messenger/index.js';
import { STANDARD_WINDOW_MS } from '../reply-window.js';

/**
 * Message tags a broadcast may carry for people outside the 24-hour window. These are the tags
 * Facebook still accepts (the others were retired in 2020); HUMAN_AGENT is excluded because it
 * is only for a reply a person types in a conversation, never for a message sent to many.
 * A tag may only carry a non-promotional update of its kind.
 */
export const BROADCAST_TAGS = ['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE'] as const;
export type BroadcastTag = (typeof BROADCAST_TAGS)[number];

export const TAG_USES: Record<BroadcastTag, string> = {
  ACCOUNT_UPDATE: 'a non-recurring change to the person\'s account or application (e.g. an application was approved, suspicious activity)',
  CONFIRMED_EVENT_UPDATE: 'a reminder or update about an event the person registered for',
  POST_PURCHASE_UPDATE: 'an update about a purchase the person made (e.g. shipped, delayed, receipt)',
};

export const isBroadcastTag = (tag: string): tag is BroadcastTag => (BROADCAST_TAGS as readonly string[]).includes(tag);

export type BroadcastDecision =
  | { allowed: true; messagingType: Extract<MessagingType, 'UPDATE' | 'MESSAGE_TAG'>; tag: BroadcastTag | null }
  | { allowed: false; reason: string };

export const NO_TAG_REASON = "outside Messenger's 24-hour window and the broadcast has no message tag";

/**
 * How a broadcast may reach one person (Messenger Platform policy, Send API messaging types):
 * inside 24 hours of their last message it goes as UPDATE — a message the page sends on its own
 * initiative, not an answer to what they wrote (RESPONSE is for answers); outside the window
 * only as MESSAGE_TAG with a permitted tag; otherwise it is skipped with the reason, before any
 * API call. A tag is not used inside the window: tags may not carry promotional content, so an
 * in-window message goes untagged whatever the broadcast's tag.
 */
export function broadcastWindow(lastInboundAt: Date | null, now: Date, tag: BroadcastTag | null): BroadcastDecision {
  if (lastInboundAt && now.getTime() - lastInboundAt.getTime() <= STANDARD_WINDOW_MS) return { allowed: true, messagingType: 'UPDATE', tag: null };
  if (tag) return { allowed: true, messagingType: 'MESSAGE_TAG', tag };
  if (!lastInboundAt) return { allowed: false, reason: `${NO_TAG_REASON} (the person has never written to the page)` };
  const days = Math.floor((now.getTime() - lastInboundAt.getTime()) / 86_400_000);
  return { allowed: false, reason: `${NO_TAG_REASON} (their last message was ${days === 1 ? '1 day' : `${days} days`} ago)` };
}
