import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { TEST_PLANS } from '../helpers/billing.js';
import { engineName } from '../helpers/db.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe.js';
import { browserAvailable, ensureWebBuilt, launchBrowser, signedInPage, watchPageErrors } from './browser.js';

const freePort = () => new Promise<number>((resolve) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as { port: number };
    srv.close(() => resolve(port));
  });
});

describe.skipIf(!browserAvailable)(`billing in Chromium (${engineName})`, () => {
  let t: TestApp;
  let selfHosted: TestApp;
  let stripe: FakeStripe;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let selfHostedBase: string;

  beforeAll(async () => {
    ensureWebBuilt();
    stripe = await startFakeStripe();
    // Checkout sends the browser back to PUBLIC_URL, so the server listens where PUBLIC_URL says.
    const port = await freePort();
    t = await createTestApp({ web: true, env: { ...stripe.env(), BILLING_PLANS: TEST_PLANS(stripe), PUBLIC_URL: `http://127.0.0.1:${port}` } });
    const base = await t.app.listen({ host: '127.0.0.1', port });
    // Stripe delivers its events to our webhook, signed, as they happen.
    stripe.webhookUrl = `${base}/api/v1/webhooks/stripe`;
    selfHosted = await createTestApp({ web: true });
    selfHostedBase = await selfHosted.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    page = await signedInPage(browser, base, 'Olive Owner');
    pageErrors = watchPageErrors(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await selfHosted?.close();
    await stripe?.close();
  });

  it('upgrades: Billing page → Checkout → signed webhook → the new plan, its renewal date and usage shown', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Billing' }).click();
    await page.waitForURL((u) => u.pathname === '/billing');
    await page.getByRole('heading', { name: 'Free plan' }).waitFor();
    await page.getByRole('progressbar', { name: 'Seats' }).waitFor();
    expect(await page.getByRole('progressbar', { name: 'Seats' }).getAttribute('aria-valuetext')).toBe('1 of 2');

    await page.getByRole('button', { name: 'Upgrade to Starter' }).click();
    // Stripe's hosted Checkout page (the fake's).
    await page.waitForURL((u) => u.origin === stripe.baseUrl && u.pathname.startsWith('/c/pay/cs_test_'));
    await page.getByRole('button', { name: 'Subscribe' }).click();

    await page.waitForURL((u) => u.pathname === '/billing' && u.search === '');
    await page.getByRole('heading', { name: 'Starter plan' }).waitFor();
    const plan = page.getByRole('region', { name: 'Starter plan' });
    await plan.getByText('Active', { exact: true }).waitFor();
    const renews = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(new Date(Date.now() + 30 * 86_400_000));
    await plan.getByText(`Renews on ${renews}.`).waitFor();
    expect(await page.getByRole('progressbar', { name: 'Seats' }).getAttribute('aria-valuetext')).toBe('1 of 3');
    await page.getByRole('table', { name: 'Invoices' }).getByRole('row').filter({ hasText: '$29.00' }).getByText('paid', { exact: true }).waitFor();
    expect(stripe.state.deliveries.map((d) => [d.type, d.status])).toEqual([
      ['customer.subscription.created', 200], ['invoice.paid', 200], ['checkout.session.completed', 200],
    ]);
    // One subscription per workspace: no Upgrade buttons any more.
    expect(await page.getByRole('button', { name: /^Upgrade to/ }).count()).toBe(0);
  });

  it('a failed payment shows the grace-period banner on every page; Manage billing opens the Customer Portal and comes back', async () => {
    const subscriptionId = [...stripe.state.subscriptions.keys()][0]!;
    await stripe.failPayment(subscriptionId);
    await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
    await page.reload();
    const banner = page.getByRole('region', { name: 'Billing' });
    await banner.getByText('Payment failed', { exact: true }).waitFor();
    const graceEnd = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(new Date(Date.now() + 7 * 86_400_000));
    await banner.getByText(new RegExp(`by ${graceEnd} to keep the Starter plan`)).waitFor();

    await banner.getByRole('link', { name: 'Go to billing' }).click();
    await page.waitForURL((u) => u.pathname === '/billing');
    await page.getByRole('region', { name: 'Starter plan' }).getByText('Payment failed', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Manage billing' }).click();
    await page.waitForURL((u) => u.origin === stripe.baseUrl && u.pathname.startsWith('/p/session/'));
    // The customer updates the card in the portal; Stripe retries and the invoice is paid.
    await stripe.payInvoice(subscriptionId);
    await page.getByRole('link', { name: 'Return to MessageSender' }).click();
    await page.waitForURL((u) => u.pathname === '/billing');
    await page.getByRole('region', { name: 'Starter plan' }).getByText('Active', { exact: true }).waitFor();
    await banner.waitFor({ state: 'detached' });
  });

  it('ran without page errors', () => {
    expect(pageErrors).toEqual([]);
  });

  it('a self-hosted instance shows no billing at all', async () => {
    const other = await signedInPage(browser, selfHostedBase, 'Sam Selfhost');
    const errors = watchPageErrors(other);
    const nav = other.getByRole('navigation');
    await nav.getByRole('link', { name: 'Contacts' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Billing' }).count()).toBe(0);
    await other.goto('/billing');
    await other.getByText('Billing is not used on this instance').waitFor();
    expect(await other.getByRole('region', { name: 'Billing' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
