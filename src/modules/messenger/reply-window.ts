import type { MessageTag, MessagingType } from '../../channels/messenger/index.js';

const HOUR = 3600_000;
/** Messenger's standard messaging window, and how long the HUMAN_AGENT tag extends it. */
export const STANDARD_WINDOW_MS = 24 * HOUR;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR;

export type WindowDecision =
  | { allowed: true; messagingType: MessagingType; tag: MessageTag | null; closesAt: Date }
  | { allowed: false; reason: string };

/**
 * Whether a reply may go now, and how (Messenger Platform policy): inside 24 hours of the
 * person's last message, as RESPONSE; from 24 hours to 7 days, only a reply a person typed, with
 * the HUMAN_AGENT tag; otherwise nothing until they write again. Decided before any API call.
 */
export function replyWindow(lastInboundAt: Date | null, now: Date, typedByHuman: boolean): WindowDecision {
  if (!lastInboundAt) return { allowed: false, reason: "outside Messenger's 24-hour window; this person has never messaged the page, so the page cannot start the conversation." };
  const age = now.getTime() - lastInboundAt.getTime();
  if (age <= STANDARD_WINDOW_MS) return { allowed: true, messagingType: 'RESPONSE', tag: null, closesAt: new Date(lastInboundAt.getTime() + STANDARD_WINDOW_MS) };
  if (age <= HUMAN_AGENT_WINDOW_MS) {
    if (typedByHuman) return { allowed: true, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', closesAt: new Date(lastInboundAt.getTime() + HUMAN_AGENT_WINDOW_MS) };
    return { allowed: false, reason: "outside Messenger's 24-hour window; until 7 days after the person's last message only a reply typed by a person may go (with the HUMAN_AGENT tag), not an automated one." };
  }
  const days = Math.floor(age / (24 * HOUR));
  return { allowed: false, reason: `outside Messenger's 24-hour window; the person's last message was ${days} days ago, beyond the 7 days the HUMAN_AGENT tag allows. They need to write to the page first.` };
}
