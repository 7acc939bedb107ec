import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { engineName } from '../helpers/db.js';
import { messengerEnv, postWebhook } from '../helpers/messenger.js';
import { waitFor } from '../helpers/wait.js';
import { fakeMid, startFakeFacebook, type FakeFacebook, type Person } from '../fakes/facebook.js';
import { browserAvailable, ensureWebBuilt, launchBrowser, signedInPage, watchPageErrors } from './browser.js';

const freePort = () => new Promise<number>((resolve) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as { port: number };
    srv.close(() => resolve(port));
  });
});

describe.skipIf(!browserAvailable)(`Facebook pages and broadcasts in Chromium (${engineName})`, () => {
  let t: TestApp;
  let fb: FakeFacebook;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const q = async <T = Record<string, any>>(text: string, params: unknown[] = []) => (await t.deps.database.sql.query<T>(text, params)).rows;

  beforeAll(async () => {
    ensureWebBuilt();
    fb = await startFakeFacebook();
    // Facebook Login sends the browser back to PUBLIC_URL, so the server listens where PUBLIC_URL says.
    const port = await freePort();
    t = await createTestApp({ worker: true, web: true, env: { ...messengerEnv(fb), PUBLIC_URL: `http://127.0.0.1:${port}` } });
    const base = await t.app.listen({ host: '127.0.0.1', port });
    browser = await launchBrowser();
    page = await signedInPage(browser, base, 'Bea Broadcast');
    pageErrors = watchPageErrors(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fb?.close();
  });

  it('"Connect Facebook Pages" goes through Facebook Login and lists the pages', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Facebook pages' }).click();
    await page.waitForURL((u) => u.pathname === '/pages');
    await page.getByText('No Facebook pages yet').waitFor();
    await page.getByRole('button', { name: 'Connect Facebook Pages' }).first().click();
    // Our start URL → Facebook's dialog → our callback → back here, with the outcome shown once.
    await page.getByRole('status').filter({ hasText: 'Connected 2 pages' }).waitFor({ timeout: 30_000 });
    await page.waitForURL((u) => u.pathname === '/pages' && u.search === '' && u.hash === '');
    const table = page.getByRole('table', { name: 'Facebook pages' });
    await table.getByRole('row', { name: 'Acme Bikes' }).getByText('Connected').waitFor();
    await table.getByRole('row', { name: 'Acme Outlet' }).getByText('Connected').waitFor();
  });

  it('a page Facebook stopped accepting shows the reconnect banner; reconnecting clears it', async () => {
    await q("UPDATE facebook_pages SET status = 'reconnect_needed', status_reason = 'Facebook error 190: the session has been invalidated' WHERE name = 'Acme Outlet'");
    await page.reload();
    const banner = page.getByRole('status').filter({ hasText: '1 page needs to be reconnected' });
    await banner.getByText('Acme Outlet').waitFor();
    await page.getByRole('table', { name: 'Facebook pages' }).getByRole('row', { name: 'Acme Outlet' }).getByText('Reconnect needed').waitFor();
    await banner.getByRole('button', { name: 'Reconnect' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected 2 pages' }).waitFor({ timeout: 30_000 });
    await banner.waitFor({ state: 'detached' });
    expect((await q("SELECT status FROM facebook_pages WHERE name = 'Acme Outlet'"))[0]!.status).toBe('active');
  });

  it('composing a broadcast: people inside the window get it personalised, the rest are on the skip list with the reason', async () => {
    const { pageId: fbPageId } = (await q<{ page_id: string }>("SELECT page_id FROM facebook_pages WHERE name = 'Acme Bikes'")).map((r) => ({ pageId: r.page_id }))[0]!;
    const people: Person[] = [];
    for (const [firstName, ago] of [['Ana', 60_000], ['Ben', 3_600_000], ['Cleo', 3 * 86_400_000]] as const) {
      const person = fb.addPerson({ pageId: fbPageId, firstName, lastName: 'Rider', at: Date.now() - ago });
      people.push(person);
      const res = await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: fbPageId, events: [{ sender: { id: person.psid }, recipient: { id: fbPageId }, timestamp: Date.now() - ago, message: { mid: fakeMid(`e2e-b-${firstName}`), text: 'Hello!' } }] }]));
      expect(res.statusCode).toBe(200);
    }
    const contacts = await waitFor(async () => {
      const rows = await q<{ id: string; workspace_id: string }>('SELECT id, workspace_id FROM contacts WHERE messenger_psid = ANY($1::text[])', [people.map((p) => p.psid)]);
      return rows.length === 3 && rows;
    }, 'the three subscribers to be created by the worker');
    const [list] = await q<{ id: string }>("INSERT INTO lists (workspace_id, name) VALUES ($1, 'Bike club') RETURNING id", [contacts[0]!.workspace_id]);
    await q('INSERT INTO list_members (list_id, contact_id) SELECT $1, unnest($2::uuid[])', [list!.id, contacts.map((c) => c.id)]);

    await page.getByRole('navigation').getByRole('link', { name: 'Broadcasts' }).click();
    await page.getByText('No broadcasts yet').waitFor();
    await page.getByRole('link', { name: 'New broadcast' }).first().click();
    await page.waitForURL((u) => u.pathname === '/broadcasts/new');
    await page.getByLabel('Page').selectOption({ label: 'Acme Bikes' });
    await page.getByText('A list', { exact: true }).click();
    await page.getByLabel('List', { exact: true }).selectOption({ label: 'Bike club (3)' });
    await page.getByLabel('Message', { exact: true }).fill('Hi ');
    await page.getByRole('button', { name: 'Insert variable' }).click();
    await page.getByRole('menuitem', { name: /First name/ }).click();
    await page.getByLabel('Message', { exact: true }).press('End');
    await page.getByLabel('Message', { exact: true }).pressSequentially(', the club ride is on Sunday.');
    await expect.poll(() => page.getByLabel('Message', { exact: true }).inputValue()).toBe('Hi {{ first_name | default: "there" }}, the club ride is on Sunday.');
    await page.getByLabel('Message tag (optional)').selectOption({ value: '' });
    await page.getByRole('button', { name: 'Send broadcast' }).click();

    await page.waitForURL((u) => /^\/broadcasts\/[0-9a-f-]{36}$/.test(u.pathname));
    await page.getByRole('heading', { name: 'Broadcast' }).waitFor();
    await page.getByText('Finished').first().waitFor({ timeout: 30_000 });
    const progress = page.getByRole('region', { name: 'Broadcast progress' });
    await expect.poll(() => progress.getByRole('status').textContent()).toMatch(/^2 sent · 1 skipped · 0 failed/);

    const sent = fb.state.sent.filter((s) => people.some((p) => p.psid === s.recipientId));
    expect(sent.map((s) => [s.recipientId, s.text, s.messagingType]).sort()).toEqual([
      [people[0]!.psid, 'Hi Ana, the club ride is on Sunday.', 'UPDATE'],
      [people[1]!.psid, 'Hi Ben, the club ride is on Sunday.', 'UPDATE'],
    ].sort());

    await progress.getByRole('button', { name: 'See who and why' }).click();
    const skipList = page.getByRole('table', { name: 'Broadcast recipients' });
    await page.getByRole('heading', { name: 'Skip list' }).waitFor();
    const cleo = skipList.getByRole('row').filter({ hasText: 'Cleo Rider' });
    await cleo.getByText("outside Messenger's 24-hour window and the broadcast has no message tag (their last message was 3 days ago)").waitFor();
    // Until the skipped-only page arrives, the table still shows every recipient (dimmed and busy).
    await expect.poll(() => skipList.getByRole('row').count()).toBe(2);

    await page.getByRole('link', { name: 'Broadcasts', exact: true }).first().click();
    const row = page.getByRole('table', { name: 'Broadcasts list' }).getByRole('row').filter({ hasText: 'Hi {{ first_name' });
    await row.getByText('Finished').waitFor();
  });

  it('ran without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
