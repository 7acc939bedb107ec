import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users, workspaces } from '../../db/schema/index.js';
import { actorOf, requireWorkspace } from '../../http/context.js';
import { createCheckout } from './create-checkout.js';
import { createPortal } from './create-portal.js';
import { getBilling } from './get-billing.js';
import { listInvoices } from './list-invoices.js';

const tags = ['billing'];
const limitsOut = z.object({ messagesPerMonth: z.number().nullable(), senders: z.number().nullable(), pages: z.number().nullable(), contacts: z.number().nullable(), seats: z.number().nullable() });
const planOut = z.object({ key: z.string(), name: z.string(), limits: limitsOut, purchasable: z.boolean() });
const billingOut = z.object({
  plan: planOut,
  standing: z.enum(['free', 'active', 'grace', 'lapsed']),
  subscription: z.object({ plan: planOut, status: z.string(), currentPeriodEnd: z.string().nullable(), cancelAtPeriodEnd: z.boolean(), graceUntil: z.string().nullable() }).nullable(),
  usage: z.object({ messagesPerMonth: z.number(), senders: z.number(), pages: z.number(), contacts: z.number(), seats: z.number() }),
  usagePeriodStart: z.string(),
  plans: z.array(planOut),
  canManage: z.boolean(),
  hasCustomer: z.boolean(),
  quotaPausedCampaigns: z.array(z.object({ id: z.string(), name: z.string(), messages: z.number() })),
});
const invoiceOut = z.object({
  id: z.string(), number: z.string().nullable(), status: z.string(), amountDue: z.number(), amountPaid: z.number(), currency: z.string(),
  created: z.string(), periodEnd: z.string(), hostedInvoiceUrl: z.string().nullable(), pdfUrl: z.string().nullable(),
});

/** The billing page's API. Registered only when STRIPE_SECRET_KEY is set (app.ts). */
export async function billingRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config } = app.deps;

  r.get('/billing', {
    config: { access: { permission: 'billing.read' } },
    schema: { tags, summary: 'The plan in force, the subscription, and usage against each limit', response: { 200: billingOut } },
  }, async (request) => getBilling(db, config, requireWorkspace(request)));

  r.get('/billing/invoices', {
    config: { access: { permission: 'billing.manage' } },
    schema: { tags, summary: 'Latest invoices, from Stripe', response: { 200: z.object({ items: z.array(invoiceOut) }) } },
  }, async (request) => ({ items: await listInvoices(db, config, requireWorkspace(request).workspaceId) }));

  r.post('/billing/checkout', {
    config: { access: { permission: 'billing.manage' }, rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: {
      tags, summary: 'Start an upgrade: the Stripe Checkout URL to send the browser to',
      body: z.object({ plan: z.string().min(1).max(32) }),
      response: { 200: z.object({ url: z.string(), sessionId: z.string() }) },
    },
  }, async (request) => {
    const scope = requireWorkspace(request);
    const actor = actorOf(request);
    const [ws] = await db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, scope.workspaceId));
    const [user] = actor.userId ? await db.select({ email: users.email }).from(users).where(eq(users.id, actor.userId)) : [];
    return createCheckout(app.deps, { workspaceId: scope.workspaceId, workspaceName: ws!.name, email: user?.email ?? null }, request.body.plan);
  });

  r.post('/billing/portal', {
    config: { access: { permission: 'billing.manage' }, rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: { tags, summary: 'Manage billing: the Stripe Customer Portal URL to send the browser to', response: { 200: z.object({ url: z.string() }) } },
  }, async (request) => createPortal(db, config, requireWorkspace(request).workspaceId));
}
