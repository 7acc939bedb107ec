import type { OAuthProvider, Sender, SenderKind } from '../../api/senders';
import type { BadgeTone } from '../ui/Badge';

export const kindLabel: Record<SenderKind, string> = { smtp: 'SMTP', gmail: 'Gmail', outlook: 'Microsoft 365' };

export type SenderDisplayStatus = 'active' | 'warming' | 'reconnect_needed' | 'paused' | 'error';

/** "Warming up" is derived: an active account whose ramp hasn't reached the daily cap yet. */
export function displayStatus(sender: Sender): SenderDisplayStatus {
  if (sender.status === 'active' && sender.settings.warmup.enabled && sender.todayCap < sender.settings.dailyCap) return 'warming';
  return sender.status;
}

export const statusLabel: Record<SenderDisplayStatus, string> = {
  active: 'Active',
  warming: 'Warming up',
  reconnect_needed: 'Reconnect needed',
  paused: 'Paused',
  error: 'Error',
};

export const statusTone: Record<SenderDisplayStatus, BadgeTone> = {
  active: 'success',
  warming: 'accent',
  reconnect_needed: 'warning',
  paused: 'neutral',
  error: 'danger',
};

/** The OAuth provider that reconnects an account; SMTP accounts are fixed by re-entering passwords. */
export function providerOf(kind: SenderKind): OAuthProvider | null {
  if (kind === 'gmail') return 'google';
  if (kind === 'outlook') return 'microsoft';
  return null;
}

export function pluralAccounts(count: number): string {
  return count === 1 ? '1 account' : `${count.toLocaleString()} accounts`;
}
