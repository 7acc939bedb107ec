import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { engineName } from '../helpers/db.js';
import { browserAvailable, ensureWebBuilt, launchBrowser, signedInPage, watchPageErrors } from './browser.js';

describe.skipIf(!browserAvailable)(`contacts in Chromium (${engineName})`, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    ensureWebBuilt();
    t = await createTestApp({ worker: true, web: true });
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    page = await signedInPage(browser, base, 'Cora Contacts');
    pageErrors = watchPageErrors(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('adds a contact by hand', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: 'Add contact' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email').fill('Hand.Made@Example.com');
    await dialog.getByLabel('First name').fill('Hannah');
    await dialog.getByLabel('Company').fill('Handmade GmbH');
    await dialog.getByRole('button', { name: 'Create contact' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'hand.made@example.com' }).isVisible()).toBe(true);
  });

  it('imports a CSV: upload, auto-mapped columns, progress, and a report with the skipped rows', async () => {
    await page.goto('/contacts/import');
    const csv = 'Email;First Name;Company\nann@acme.io;Ann;Acme\nnot-an-email;Bob;Beta\nann@acme.io;Ann again;\ninfo@acme.io;;Acme\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect.poll(() => page.getByLabel('Map column Email').inputValue()).toBe('email');
    expect(await page.getByLabel('Map column First Name').inputValue()).toBe('firstName');
    await page.getByRole('button', { name: 'Start import' }).click();
    await expect.poll(() => page.getByText('Import complete').isVisible(), { timeout: 30_000 }).toBe(true);
    const issues = page.getByRole('table', { name: 'Row issues' });
    await expect.poll(() => issues.textContent()).toMatch(/invalid email/i);
    expect(await issues.textContent()).toMatch(/duplicate in file/i);
    const { rows } = await t.deps.database.sql.query<{ email: string }>(`SELECT email FROM contacts WHERE source = 'import' ORDER BY email`);
    expect(rows.map((r) => r.email)).toEqual(['ann@acme.io', 'info@acme.io']);
  });

  it('creates a list and a segment with a live count', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Lists & segments' }).click();
    await page.getByRole('button', { name: 'New list' }).click();
    await page.getByRole('dialog').getByLabel('List name').fill('Conference leads');
    await page.getByRole('dialog').getByRole('button', { name: 'Create list' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Conference leads' }).isVisible()).toBe(true);

    await page.getByRole('tab', { name: 'Segments' }).click();
    await page.getByRole('link', { name: 'New segment' }).click();
    await page.getByLabel('Segment name').fill('Acme people');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').selectOption('text:company');
    await page.getByLabel('Condition 1 operator').selectOption('eq');
    await page.getByLabel('Condition 1 value').fill('acme');
    await expect.poll(() => page.getByText(/2 contacts match/).isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/lists');
    const { rows } = await t.deps.database.sql.query<{ name: string }>(`SELECT name FROM segments`);
    expect(rows).toEqual([{ name: 'Acme people' }]);
  });

  it('suppresses a domain, and the page lists it', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Suppressions' }).click();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('dialog').getByLabel('Addresses or domains').fill('@competitor.io\nnot valid at all');
    await page.getByRole('dialog').getByRole('button', { name: 'Suppress' }).click();
    await expect.poll(() => page.getByRole('dialog').getByText(/Line 2/).isVisible()).toBe(true);
    await page.getByRole('dialog').getByLabel('Addresses or domains').fill('@competitor.io');
    await page.getByRole('dialog').getByRole('button', { name: 'Suppress' }).click();
    await expect.poll(() => page.getByRole('table').filter({ hasText: 'competitor.io' }).count()).toBeGreaterThan(0);
  });

  it('ran without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
