import type { Channel, Conversation, ConversationLabel, ReplyState } from '../../api/inbox';
import { formatRelative } from '../../lib/format';
import type { BadgeTone } from '../ui/Badge';
import type { IconName } from '../ui/Icon';

export const labelName: Record<ConversationLabel, string> = {
  interested: 'Interested',
  not_interested: 'Not interested',
  out_of_office: 'Out of office',
  meeting_booked: 'Meeting booked',
};

export const labelTone: Record<ConversationLabel, BadgeTone> = {
  interested: 'success',
  not_interested: 'neutral',
  out_of_office: 'warning',
  meeting_booked: 'accent',
};

export const channelName: Record<Channel, string> = { email: 'Email', messenger: 'Messenger' };
export const channelIcon: Record<Channel, IconName> = { email: 'mail', messenger: 'send' };

/** Who the conversation is with, as the list and the thread title show it. */
export function contactLabel(contact: Conversation['contact']): string {
  return contact.name ?? contact.email ?? (contact.messengerPsid ? 'Messenger user' : 'Unknown contact');
}

/** The Messenger window in words: how long a reply may still go, and how. */
export function windowSummary(reply: ReplyState, now = Date.now()): string | null {
  if (reply.channel !== 'messenger' || !reply.allowed || !reply.windowClosesAt) return null;
  const closes = formatRelative(reply.windowClosesAt, now);
  if (reply.tag === 'HUMAN_AGENT') {
    return `Past Messenger's 24-hour window: a reply you type goes with the HUMAN_AGENT tag, until the window closes ${closes}.`;
  }
  return `Inside Messenger's 24-hour window: replies go as a normal response until it closes ${closes}.`;
}
