import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { closedPort } from '../helpers/closed-port.js';
import { engineName } from '../helpers/db.js';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer.js';
import { browserAvailable, ensureWebBuilt, launchBrowser, signedInPage, watchPageErrors } from './browser.js';

const BODY_TOKEN = '{{ first_name | default: "there" }}';

describe.skipIf(!browserAvailable)(`campaigns in Chromium (${engineName})`, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let smtp: SmtpPeer;
  let campaignUrl: string;

  /** Setup through the API with the browser's own session (cookie + CSRF token), as the web app calls it. */
  async function callApi(method: 'POST' | 'PATCH', path: string, data: unknown) {
    const csrf = await page.request.get('/api/v1/auth/csrf');
    const { token } = (await csrf.json()) as { token: string };
    const res = await page.request.fetch(`/api/v1${path}`, { method, data, headers: { 'x-csrf-token': token } });
    const body = await res.json().catch(() => null);
    expect(res.ok(), `${method} ${path}: ${res.status()} ${JSON.stringify(body)}`).toBe(true);
    return body as { id: string };
  }

  beforeAll(async () => {
    ensureWebBuilt();
    smtp = await startSmtpPeer({ user: 'rep@outreach.test', password: 'smtp-pass-123' });
    t = await createTestApp({ worker: true, web: true });
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    page = await signedInPage(browser, base, 'Cam Paigner');
    pageErrors = watchPageErrors(page);

    // A real SMTP peer to send through (no gap between sends); IMAP is never reached in this test.
    await callApi('POST', '/senders', {
      email: 'rep@outreach.test',
      fromName: 'Rita Rep',
      minGapSeconds: 0,
      maxGapSeconds: 0,
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'rep@outreach.test', password: 'smtp-pass-123' },
      imap: { host: '127.0.0.1', port: await closedPort(), secure: false, user: 'rep@outreach.test', password: 'imap-pass-123' },
    });
    const ann = await callApi('POST', '/contacts', { email: 'ann@acme.io', firstName: 'Ann', company: 'Acme' });
    const bob = await callApi('POST', '/contacts', { email: 'bob@beta.io', firstName: 'Bob', company: 'Beta' });
    const list = await callApi('POST', '/lists', { name: 'Launch list' });
    await callApi('POST', '/contacts/bulk', { ids: [ann.id, bob.id], action: 'add_to_list', listId: list.id });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('saves the postal address in the workspace settings', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Postal address').fill('Outreach Ltd\n1 Market Street\nSpringfield 12345');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByText('Sending settings saved').isVisible()).toBe(true);
    const { rows } = await t.deps.database.sql.query<{ postal_address: string }>('SELECT postal_address FROM workspaces');
    expect(rows).toEqual([{ postal_address: 'Outreach Ltd\n1 Market Street\nSpringfield 12345' }]);
  });

  it('creates a campaign and writes a step with a variable from the picker', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Campaigns' }).click();
    await expect.poll(() => page.getByText('No campaigns yet').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'New campaign' }).click();
    await page.waitForURL((url) => /^\/campaigns\/[0-9a-f-]{36}$/.test(url.pathname));
    campaignUrl = new URL(page.url()).pathname;

    await page.getByRole('button', { name: 'Write the first email' }).click();
    const step = page.getByRole('region', { name: 'Step 1' });
    await step.getByLabel('Subject').fill('Quick question for {{ company | default: "your team" }}');
    const body = step.getByLabel('Plain-text body');
    await body.fill('Hi ');
    await step.getByRole('button', { name: 'Insert variable' }).click();
    await page.getByRole('menuitem', { name: 'First name' }).click();
    // The token lands at the cursor and typing carries on after it.
    await page.keyboard.type(', how is it going?');
    expect(await body.inputValue()).toBe(`Hi ${BODY_TOKEN}, how is it going?`);
    await expect.poll(() => page.getByText('Unsaved changes').isVisible()).toBe(true);
  });

  it('picks the list and the sender, saves, and previews the step for a chosen contact', async () => {
    await page.getByRole('tab', { name: 'Audience' }).click();
    await page.getByRole('checkbox', { name: 'Launch list' }).check();
    await page.getByRole('tab', { name: 'Senders' }).click();
    await page.getByRole('checkbox', { name: 'rep@outreach.test' }).check();
    await page.getByRole('tab', { name: 'Schedule' }).click();
    // Every day, all day: the first emails may go out whenever this test runs.
    for (const day of ['Saturday', 'Sunday']) await page.getByRole('button', { name: day }).click();
    await page.getByLabel('From').selectOption('0');
    await page.getByLabel('Until').selectOption('1440');
    await page.getByRole('region', { name: 'Save changes' }).getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByText('All changes saved').isVisible()).toBe(true);

    await page.getByRole('tab', { name: 'Sequence' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect.poll(() => preview.getByLabel('Preview as').locator('option').count()).toBe(3);
    await preview.getByLabel('Preview as').selectOption({ label: 'Bob <bob@beta.io>' });
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toContain('Hi Bob, how is it going?');
    expect(await preview.textContent()).toContain('Quick question for Beta');
    await preview.getByLabel('Preview as').selectOption({ label: 'Ann <ann@acme.io>' });
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toContain('Hi Ann, how is it going?');

    // Unsaved text previews as it is typed; discarding brings the saved text back.
    const body = page.getByLabel('Plain-text body');
    await body.fill('Morning {{ first_name }}, still at {{ company }}?');
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toContain('Morning Ann, still at Acme?');
    await page.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toContain('Hi Ann, how is it going?');

    const { rows } = await t.deps.database.sql.query<{ body_text: string }>('SELECT body_text FROM step_variants');
    expect(rows).toEqual([{ body_text: `Hi ${BODY_TOKEN}, how is it going?` }]);
  });

  it('shows an all-green launch checklist, launches, and follows the campaign live', async () => {
    await page.getByRole('tab', { name: 'Launch' }).click();
    const checks = page.getByRole('list', { name: 'Launch checks' });
    await expect.poll(() => checks.getByRole('listitem').count()).toBe(6);
    expect(await checks.textContent()).not.toContain(': failed');
    for (const name of ['Postal address', 'Sending accounts', 'Sequence', 'Audience', 'Unsubscribe link', 'Personalization']) {
      expect(await checks.getByText(`${name}: passed`).count()).toBe(1);
    }
    await expect.poll(() => page.getByText('Ready: 2 contacts will be enrolled.').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Launch', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Launch campaign' }).click();
    await page.waitForURL((url) => url.pathname === campaignUrl && url.searchParams.get('tab') === 'progress');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).locator('..').getByText('Running').isVisible()).toBe(true);
    const progress = page.getByRole('region', { name: 'Campaign progress' });
    await expect.poll(() => progress.getByText('2 enrolled', { exact: false }).isVisible()).toBe(true);

    // The worker sends both first emails to the SMTP peer; the totals poll and catch up.
    await expect.poll(() => smtp.received.length, { timeout: 45_000 }).toBe(2);
    await expect.poll(() => progress.getByRole('region', { name: 'Sent' }).textContent(), { timeout: 20_000 }).toMatch(/Sent\s*2/);
    expect(smtp.received.map((m) => m.raw).join('\n')).toMatch(/Hi (Ann|Bob), how is it going\?/);

    await page.getByRole('tab', { name: 'Messages' }).click();
    const table = page.getByRole('table', { name: 'Campaign messages' });
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    expect(await table.textContent()).toContain('ann@acme.io');
  });

  it('ran without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
