import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { engineName } from '../helpers/db.js';
import { messengerEnv, postWebhook } from '../helpers/messenger.js';
import { fakeMid, startFakeFacebook, type FakeFacebook, type Person } from '../fakes/facebook.js';
import { browserAvailable, ensureWebBuilt, launchBrowser, signedInPage, watchPageErrors } from './browser.js';

describe.skipIf(!browserAvailable)(`the inbox in Chromium (${engineName})`, () => {
  let t: TestApp;
  let fb: FakeFacebook;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let fbPageId: string;
  let person: Person;

  beforeAll(async () => {
    ensureWebBuilt();
    fb = await startFakeFacebook();
    // The worker processes webhook deliveries in the background, as in production.
    t = await createTestApp({ worker: true, web: true, env: messengerEnv(fb) });
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    page = await signedInPage(browser, base, 'Ines Inbox');
    pageErrors = watchPageErrors(page);

    // "Connect Facebook Pages" with the browser's own session: our start URL, Facebook's dialog, our callback.
    const start = await page.request.get('/api/v1/channels/facebook/oauth/start');
    expect(start.ok(), await start.text()).toBe(true);
    const { url } = (await start.json()) as { url: string };
    const dialog = await page.request.get(url, { maxRedirects: 0 });
    expect(dialog.status()).toBe(302);
    // Facebook sends the browser back to PUBLIC_URL; here that is the test server.
    const back = new URL(dialog.headers().location!);
    const connected = await page.request.get(back.pathname + back.search, { maxRedirects: 0 });
    expect(connected.status(), await connected.text()).toBe(302);
    expect(connected.headers().location).toContain('connected=2');
    const pages = (await (await page.request.get('/api/v1/pages')).json()) as { items: { name: string; pageId: string }[] };
    fbPageId = pages.items.find((p) => p.name === 'Acme Bikes')!.pageId;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fb?.close();
  });

  it('a Messenger message sent to the page appears in the open inbox without a reload', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Inbox' }).click();
    await page.waitForURL((u) => u.pathname === '/inbox');
    await expect.poll(() => page.title()).toBe('Inbox · MessageSender');
    await page.getByText('No conversations yet').waitFor();
    // Anything that reloads the page would lose this.
    await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

    person = fb.addPerson({ pageId: fbPageId, firstName: 'Lena', lastName: 'Ng' });
    const sent = await postWebhook(t.app, fb, fb.webhookPayload([{
      pageId: fbPageId,
      events: [{ sender: { id: person.psid }, recipient: { id: fbPageId }, timestamp: Date.now(), message: { mid: fakeMid('e2e-inbox-1'), text: 'Hi! Do you rent e-bikes for a weekend?' } }],
    }]));
    expect(sent.statusCode).toBe(200);

    const item = page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Lena Ng/ });
    await item.waitFor({ timeout: 30_000 });
    await expect.poll(() => item.textContent()).toMatch(/Acme Bikes[\s\S]*Do you rent e-bikes[\s\S]*1 unread/);
    await expect.poll(() => page.getByRole('navigation').getByRole('link', { name: /Inbox/ }).textContent()).toMatch(/Inbox\s*1 unread/);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });

  it('opening it shows the thread and the Messenger window; the reply reaches the Send API as a RESPONSE', async () => {
    await page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Lena Ng/ }).click();
    const thread = page.getByRole('region', { name: 'Conversation with Lena Ng' });
    await thread.getByRole('list', { name: 'Messages' }).getByText('Hi! Do you rent e-bikes for a weekend?').waitFor();
    await thread.getByText(/Inside Messenger's 24-hour window/).waitFor();
    // Read now: the badge goes away.
    await expect.poll(() => page.getByRole('navigation').getByRole('link', { name: /Inbox/ }).textContent()).toBe('Inbox');

    const before = fb.requestsTo('/me/messages', 'POST').length;
    await thread.getByRole('textbox', { name: 'Reply' }).fill('Yes! €25 a day, helmet included.');
    await thread.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => fb.requestsTo('/me/messages', 'POST').length, { timeout: 20_000 }).toBe(before + 1);
    expect(fb.requestsTo('/me/messages', 'POST').at(-1)!.json).toEqual({
      recipient: { id: person.psid }, messaging_type: 'RESPONSE', message: { text: 'Yes! €25 a day, helmet included.' },
    });
    const mine = thread.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'Yes! €25 a day' });
    await expect.poll(() => mine.textContent()).toMatch(/Ines Inbox[\s\S]*Sent/);
    await expect.poll(() => thread.getByRole('textbox', { name: 'Reply' }).inputValue()).toBe('');
  });

  it('a second message lands in the open thread by itself', async () => {
    const sent = await postWebhook(t.app, fb, fb.webhookPayload([{
      pageId: fbPageId,
      events: [{ sender: { id: person.psid }, recipient: { id: fbPageId }, timestamp: Date.now(), message: { mid: fakeMid('e2e-inbox-2'), text: 'Great, I will come by on Saturday.' } }],
    }]));
    expect(sent.statusCode).toBe(200);
    const thread = page.getByRole('region', { name: 'Conversation with Lena Ng' });
    await thread.getByRole('list', { name: 'Messages' }).getByText('Great, I will come by on Saturday.').waitFor({ timeout: 30_000 });
  });

  it('ran without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
