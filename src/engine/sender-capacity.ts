import { effectiveDailyCap, type SenderRow } from '../modules/senders/senders.js';

/** Consumer Gmail accounts (gmail.com / googlemail.com); anything else on Gmail is Workspace. */
const CONSUMER_GMAIL = /@(gmail|googlemail)\.com$/i;

/**
 * The provider's own daily ceiling, whatever the user sets: Gmail 500 (consumer) or 2,000
 * (Workspace) a day, Microsoft 365 10,000 recipients a day. SMTP mailboxes: the user's cap.
 */
export function providerDailyLimit(sender: Pick<SenderRow, 'kind' | 'email'>): number {
  if (sender.kind === 'gmail') return CONSUMER_GMAIL.test(sender.email) ? 500 : 2000;
  if (sender.kind === 'outlook') return 10_000;
  return Number.POSITIVE_INFINITY;
}

/** What this inbox may send today: its cap, its warm-up ramp and its provider's limit. */
export function todayLimit(sender: SenderRow, now: Date): number {
  return Math.min(effectiveDailyCap(sender, now), providerDailyLimit(sender));
}

/** A random pause before the next send from this inbox, in [min, max] seconds. */
export function randomGapMs(sender: Pick<SenderRow, 'minGapSeconds' | 'maxGapSeconds'>, random = Math.random): number {
  const min = Math.min(sender.minGapSeconds, sender.maxGapSeconds);
  const max = Math.max(sender.minGapSeconds, sender.maxGapSeconds);
  return Math.round((min + random() * (max - min)) * 1000);
}

/** Sender counters count per UTC day; the next one starts at midnight UTC. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);
export const nextUtcMidnight = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
