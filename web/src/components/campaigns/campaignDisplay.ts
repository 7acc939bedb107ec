import type { CampaignStatus, LaunchCheckKey, MessageStatus, ResolveAction } from '../../api/campaigns';
import type { BadgeTone } from '../ui/Badge';

export const campaignStatusLabel: Record<CampaignStatus, string> = {
  draft: 'Draft',
  running: 'Running',
  paused: 'Paused',
  stopped: 'Stopped',
  finished: 'Finished',
};

export const campaignStatusTone: Record<CampaignStatus, BadgeTone> = {
  draft: 'neutral',
  running: 'success',
  paused: 'warning',
  stopped: 'danger',
  finished: 'accent',
};

export const messageStatusLabel: Record<MessageStatus, string> = {
  scheduled: 'Scheduled',
  paused: 'Paused',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  skipped: 'Skipped',
  uncertain: 'Uncertain',
};

export const messageStatusTone: Record<MessageStatus, BadgeTone> = {
  scheduled: 'neutral',
  paused: 'neutral',
  sending: 'accent',
  sent: 'success',
  failed: 'danger',
  skipped: 'neutral',
  uncertain: 'warning',
};

export const MESSAGE_STATUSES: MessageStatus[] = ['scheduled', 'paused', 'sending', 'sent', 'failed', 'skipped', 'uncertain'];

export const resolveLabel: Record<ResolveAction, string> = {
  mark_sent: 'Mark as sent',
  resend: 'Send again',
  skip: 'Skip',
};

export const resolveDescription: Record<ResolveAction, string> = {
  mark_sent: 'It did go out; the sequence moves on.',
  resend: 'It did not go out; queue it again now.',
  skip: "Don't send it; this contact's sequence stops here.",
};

export const checkLabel: Record<LaunchCheckKey, string> = {
  postal_address: 'Postal address',
  senders: 'Sending accounts',
  steps: 'Sequence',
  audience: 'Audience',
  unsubscribe: 'Unsubscribe link',
  variables: 'Personalization',
};

/** Editor-only campaigns can change; stopped and finished ones are history. */
export const isEditable = (status: CampaignStatus) => status !== 'stopped' && status !== 'finished';

export const WEEKDAYS: { day: number; short: string; long: string }[] = [
  { day: 1, short: 'Mon', long: 'Monday' },
  { day: 2, short: 'Tue', long: 'Tuesday' },
  { day: 3, short: 'Wed', long: 'Wednesday' },
  { day: 4, short: 'Thu', long: 'Thursday' },
  { day: 5, short: 'Fri', long: 'Friday' },
  { day: 6, short: 'Sat', long: 'Saturday' },
  { day: 7, short: 'Sun', long: 'Sunday' },
];

/** 540 → "09:00"; 1440 → "24:00" (the end of the day). */
export function formatMinute(minute: number): string {
  const h = Math.floor(minute / 60);
  const m = minute % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** "3 days", "1 day 4 hours", "2 hours", "no wait". */
export function formatDelay(minutes: number): string {
  if (minutes <= 0) return 'no wait';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days && `${days} ${days === 1 ? 'day' : 'days'}`, hours && `${hours} ${hours === 1 ? 'hour' : 'hours'}`, rest && `${rest} min`];
  return parts.filter(Boolean).join(' ');
}

const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** Rates come as fractions (0.253 → "25.3%"). */
export const formatRate = (rate: number) => percentFormat.format(rate);

export const formatCount = (n: number) => n.toLocaleString();
