/** Where Stripe Checkout returns: /billing?checkout=success or ?checkout=cancelled. Anything else is dropped. */
export interface BillingSearch {
  checkout?: 'success' | 'cancelled';
}

export const validateBillingSearch = (search: Record<string, unknown>): BillingSearch => ({
  checkout: search.checkout === 'success' || search.checkout === 'cancelled' ? search.checkout : undefined,
});
