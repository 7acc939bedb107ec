import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT, WEB_DIST_DIR } from '../../src/lib/paths.js';

export const CHROMIUM = '/usr/bin/chromium';
/** Browser tests need Debian's Chromium; CI installs it, elsewhere they are skipped without it. */
export const browserAvailable = existsSync(CHROMIUM) || process.env.CI === 'true';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** The server serves web/dist; build it when a test run starts without one. */
export function ensureWebBuilt() {
  if (existsSync(join(WEB_DIST_DIR, 'index.html'))) return;
  const r = spawnSync(process.execPath, ['scripts/build-web-if-needed.mjs'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('web build failed');
}

/** Collects console errors and CSP violations, which a page must never produce. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    // A 401 before login, or a 4xx a test provokes on purpose, is logged by Chromium as a failed resource; those are expected.
    if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) errors.push(`console: ${text}`);
  });
  return errors;
}

/** Opens a new page on `base` and signs up a fresh account through the web app. */
export async function signedInPage(browser: Browser, base: string, name: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: base })).newPage();
  await page.goto('/signup');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(`${name.toLowerCase().replace(/\W+/g, '.')}-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  return page;
}
