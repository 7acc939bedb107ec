import type { Broadcast, BroadcastStatus, BroadcastTag, PageStatus, RecipientStatus } from '../../api/messenger';
import type { BadgeTone } from '../ui/Badge';

export const broadcastStatusLabel: Record<BroadcastStatus, string> = {
  queued: 'Queued',
  sending: 'Sending',
  finished: 'Finished',
  failed: 'Stopped',
};

export const broadcastStatusTone: Record<BroadcastStatus, BadgeTone> = {
  queued: 'neutral',
  sending: 'accent',
  finished: 'success',
  failed: 'danger',
};

export const recipientStatusLabel: Record<RecipientStatus, string> = {
  pending: 'Waiting',
  sending: 'Sending',
  sent: 'Sent',
  skipped: 'Skipped',
  failed: 'Failed',
};

export const recipientStatusTone: Record<RecipientStatus, BadgeTone> = {
  pending: 'neutral',
  sending: 'accent',
  sent: 'success',
  skipped: 'warning',
  failed: 'danger',
};

export const pageStatusLabel: Record<PageStatus, string> = {
  active: 'Connected',
  reconnect_needed: 'Reconnect needed',
  disconnected: 'Disconnected',
};

export const pageStatusTone: Record<PageStatus, BadgeTone> = {
  active: 'success',
  reconnect_needed: 'warning',
  disconnected: 'neutral',
};

/** What each message tag is for, as Facebook's policy words it; a tag may never carry promotional content. */
export const tagLabel: Record<BroadcastTag, string> = {
  ACCOUNT_UPDATE: 'Account update',
  CONFIRMED_EVENT_UPDATE: 'Confirmed event update',
  POST_PURCHASE_UPDATE: 'Post-purchase update',
};

export const tagUse: Record<BroadcastTag, string> = {
  ACCOUNT_UPDATE: "A change to the person's account or application, e.g. an application was approved or a payment failed.",
  CONFIRMED_EVENT_UPDATE: 'A reminder or update about an event the person registered for.',
  POST_PURCHASE_UPDATE: 'An update about something the person bought: shipped, delayed, a receipt.',
};

export function audienceName(b: Pick<Broadcast, 'segment' | 'list'>): string {
  if (b.segment) return `Segment · ${b.segment.name ?? 'deleted segment'}`;
  if (b.list) return `List · ${b.list.name ?? 'deleted list'}`;
  return '—';
}

/** Everyone accounted for: sent, skipped and failed are done; the rest is still to go. */
export const doneCount = (c: Broadcast['counts']) => c.sent + c.skipped + c.failed;
