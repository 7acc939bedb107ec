import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { engineName } from '../helpers/db.js';
import { browserAvailable, ensureWebBuilt, launchBrowser, watchPageErrors } from './browser.js';

describe.skipIf(!browserAvailable)(`web app in Chromium (${engineName})`, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const email = `owner-${Date.now()}@example.com`;
  const password = 'a long enough password';

  beforeAll(async () => {
    ensureWebBuilt();
    t = await createTestApp({ worker: true, web: true });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    page = await (await browser.newContext({ baseURL: base })).newPage();
    pageErrors = watchPageErrors(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs up and lands on the dashboard of a new workspace', async () => {
    await page.goto('/signup');
    await page.getByLabel('Name').fill('Olivia Owner');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await expect.poll(() => page.getByText("Olivia Owner's workspace").first().isVisible()).toBe(true);
    await expect.poll(() => page.getByText('Verify your email address').isVisible()).toBe(true);
  });

  it('shows validation messages instead of submitting a bad form', async () => {
    const other = await browser.newPage({ baseURL: base });
    await other.goto('/signup');
    await other.getByLabel('Email').fill('not-an-email');
    await other.getByLabel('Password').fill('short');
    await other.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => other.getByText(/valid email/i).first().isVisible()).toBe(true);
    expect(new URL(other.url()).pathname).toBe('/signup');
    await other.close();
  });

  it('logs out and logs back in', async () => {
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/not correct/i);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
  });

  it('invites a member, who shows up as a pending invite', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Team' }).click();
    await page.getByRole('button', { name: 'Invite member' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email').fill('new.teammate@example.com');
    await dialog.getByLabel('Role').selectOption('admin');
    await dialog.getByRole('button', { name: 'Send invite' }).click();
    await expect.poll(() => page.getByText('Invite sent').first().isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('table').filter({ hasText: 'new.teammate@example.com' }).count()).toBeGreaterThan(0);
    const { rows } = await t.deps.database.sql.query<{ email: string; role: string }>(`SELECT email, role FROM invites WHERE email = 'new.teammate@example.com' AND revoked_at IS NULL`);
    expect(rows).toEqual([{ email: 'new.teammate@example.com', role: 'admin' }]);
  });

  it('creates an API key, shows it once, and the key works against the API', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Key name').fill('CI deploys');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const keyText = (await page.getByTestId('new-api-key').textContent())?.trim() ?? '';
    expect(keyText).toMatch(/^ms_[\w-]{30,}$/);
    // Member-role key (the default): it reads workspace data, but not the key list.
    const contacts = await fetch(`${base}/api/v1/contacts`, { headers: { authorization: `Bearer ${keyText}` } });
    expect(contacts.status).toBe(200);
    const keys = await fetch(`${base}/api/v1/api-keys`, { headers: { authorization: `Bearer ${keyText}` } });
    expect(keys.status).toBe(403);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.getByRole('table').filter({ hasText: 'CI deploys' }).count()).toBeGreaterThan(0);
    expect(await page.content()).not.toContain(keyText);
  });

  it('switches between workspaces', async () => {
    await page.getByRole('button', { name: /Switch workspace/ }).click();
    await page.getByRole('menuitem', { name: 'Create workspace' }).click();
    await page.getByRole('dialog').getByLabel('Workspace name').fill('Second Brand');
    await page.getByRole('dialog').getByRole('button', { name: 'Create workspace' }).click();
    await expect.poll(() => page.getByRole('button', { name: /Switch workspace \(current: Second Brand\)/ }).isVisible()).toBe(true);
    await page.getByRole('button', { name: /Switch workspace/ }).click();
    await page.getByRole('menuitemradio', { name: /Olivia Owner's workspace/ }).click();
    await expect.poll(() => page.getByRole('button', { name: /current: Olivia Owner's workspace/ }).isVisible()).toBe(true);
  });

  it('ran under the CSP without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
