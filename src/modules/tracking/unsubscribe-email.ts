/**
 * The mailto half of List-Unsubscribe: a message to the sending inbox with the subject
 * "unsubscribe". The inbound side recognises such a message with isUnsubscribeRequestEmail.
 */
export const UNSUBSCRIBE_SUBJECT = 'unsubscribe';

/** An address we can put inside <mailto:…> in a header: no spaces, brackets, commas or controls. */
const ADDRESS_RE = /^[^\s<>,;"()\\@\x00-\x1f\x7f]+@[^\s<>,;"()\\@\x00-\x1f\x7f]+$/;
const MAILTO_RE = /^mailto:[^\s<>,\x00-\x1f\x7f]+$/i;

/**
 * `mailto:<inbox>?subject=unsubscribe` for an address; a ready mailto: URI is kept as it is.
 * Null when the value cannot go into a header safely (the header then carries only the https URI).
 */
export function unsubscribeMailto(addressOrMailto: string | null | undefined): string | null {
  const value = addressOrMailto?.trim();
  if (!value) return null;
  if (/^mailto:/i.test(value)) return MAILTO_RE.test(value) ? value : null;
  return ADDRESS_RE.test(value) ? `mailto:${value}?subject=${UNSUBSCRIBE_SUBJECT}` : null;
}

/** True for an inbound email that is the List-Unsubscribe mailto request sent to `inboxAddress`. */
export function isUnsubscribeRequestEmail(email: { subject: string | null | undefined; to: readonly { address: string }[] }, inboxAddress: string): boolean {
  if ((email.subject ?? '').trim().toLowerCase() !== UNSUBSCRIBE_SUBJECT) return false;
  const inbox = inboxAddress.trim().toLowerCase();
  return email.to.some((a) => a.address.trim().toLowerCase() === inbox);
}
