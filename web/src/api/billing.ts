import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { ItemList } from './types';

/** Mirrors src/modules/billing/routes.ts. Billing exists only when the instance has Stripe (me.features.billing). */
export type LimitKey = 'messagesPerMonth' | 'senders' | 'pages' | 'contacts' | 'seats';
export type PlanLimits = Record<LimitKey, number | null>;

export interface BillingPlan {
  key: string;
  name: string;
  limits: PlanLimits;
  purchasable: boolean;
}

/** free: never paid or cancelled; active: paying; grace: a payment failed, paid limits still hold; lapsed: grace over, free limits. */
export type Standing = 'free' | 'active' | 'grace' | 'lapsed';

export interface Billing {
  plan: BillingPlan;
  standing: Standing;
  subscription: {
    plan: BillingPlan;
    status: string;
    currentPeriodEnd: string | null;
    cancelAtPeriodEnd: boolean;
    graceUntil: string | null;
  } | null;
  usage: Record<LimitKey, number>;
  usagePeriodStart: string;
  plans: BillingPlan[];
  canManage: boolean;
  hasCustomer: boolean;
  quotaPausedCampaigns: { id: string; name: string; messages: number }[];
}

export interface Invoice {
  id: string;
  number: string | null;
  status: string;
  amountDue: number;
  amountPaid: number;
  currency: string;
  created: string;
  periodEnd: string;
  hostedInvoiceUrl: string | null;
  pdfUrl: string | null;
}

const billingKey = (workspaceId: string) => ['workspaces', workspaceId, 'billing'] as const;
const invoicesKey = (workspaceId: string) => ['workspaces', workspaceId, 'billing', 'invoices'] as const;

export const getBilling = () => api.get<Billing>('/billing');
export const listInvoices = () => api.get<ItemList<Invoice>>('/billing/invoices').then((r) => r.items);
export const startCheckout = (plan: string) => api.post<{ url: string; sessionId: string }>('/billing/checkout', { plan });
export const openPortal = () => api.post<{ url: string }>('/billing/portal');

/** `refetchInterval` while a just-paid Checkout waits for Stripe's webhook. */
export function useBilling(workspaceId: string, opts: { enabled?: boolean; refetchInterval?: number | false } = {}) {
  return useQuery({ queryKey: billingKey(workspaceId), queryFn: getBilling, enabled: opts.enabled ?? true, refetchInterval: opts.refetchInterval ?? false, staleTime: 30_000 });
}

export function useInvoices(workspaceId: string, enabled: boolean) {
  return useQuery({ queryKey: invoicesKey(workspaceId), queryFn: listInvoices, enabled });
}

/** Both hand the browser to a page Stripe hosts; it comes back to /billing. */
export function useCheckout() {
  return useMutation({ mutationFn: startCheckout, onSuccess: ({ url }) => window.location.assign(url) });
}

export function usePortal() {
  return useMutation({ mutationFn: openPortal, onSuccess: ({ url }) => window.location.assign(url) });
}
