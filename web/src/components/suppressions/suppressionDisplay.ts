import type { SuppressionKind, SuppressionReason } from '../../api/types';
import type { BadgeTone } from '../ui/Badge';

export const kindLabel: Record<SuppressionKind, string> = {
  email: 'Address',
  domain: 'Domain',
  email_hash: 'Erased contact',
};

export const kindTone: Record<SuppressionKind, BadgeTone> = {
  email: 'neutral',
  domain: 'accent',
  email_hash: 'warning',
};

export const reasonLabel: Record<SuppressionReason, string> = {
  unsubscribe: 'Unsubscribed',
  bounce: 'Bounced',
  complaint: 'Spam complaint',
  manual: 'Added by hand',
  import: 'Uploaded',
  erasure: 'Erasure request',
};
