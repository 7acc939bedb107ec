import type { LimitKey } from '../../api/billing';

/** The order and words the billing page and plan table use for each limit. */
export const LIMITS: { key: LimitKey; label: string }[] = [
  { key: 'messagesPerMonth', label: 'Messages this month' },
  { key: 'senders', label: 'Sending accounts' },
  { key: 'pages', label: 'Facebook pages' },
  { key: 'contacts', label: 'Contacts' },
  { key: 'seats', label: 'Seats' },
];

const number = new Intl.NumberFormat();
export const formatCount = (n: number) => number.format(n);
export const formatLimit = (n: number | null) => (n === null ? 'Unlimited' : number.format(n));

export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
}
