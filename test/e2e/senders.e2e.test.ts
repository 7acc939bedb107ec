import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { engineName } from '../helpers/db.js';
import { createMailbox, ensureDovecot, type TestMailbox } from '../helpers/dovecot.js';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer.js';
import { browserAvailable, ensureWebBuilt, launchBrowser, signedInPage, watchPageErrors } from './browser.js';

const dovecot = browserAvailable ? ensureDovecot() : { ok: false as const, reason: 'no browser' };

describe.skipIf(!browserAvailable || !dovecot.ok)(`sending accounts in Chromium (${engineName})`, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let smtp: SmtpPeer;
  let mailbox: TestMailbox;

  beforeAll(async () => {
    ensureWebBuilt();
    mailbox = await createMailbox((dovecot as { server: Parameters<typeof createMailbox>[0] }).server);
    smtp = await startSmtpPeer({ user: 'rep@outreach.test', password: 'smtp-pass-123' });
    t = await createTestApp({ web: true });
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    page = await signedInPage(browser, base, 'Rita Rep');
    pageErrors = watchPageErrors(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('connects an SMTP/IMAP mailbox and the connection test logs in to both real servers', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Sending accounts' }).click();
    await page.getByRole('button', { name: 'Add account' }).first().click();
    await page.getByRole('menuitem', { name: 'SMTP / IMAP' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email', { exact: true }).fill('rep@outreach.test');
    await dialog.getByLabel('From name').fill('Rita from Outreach');
    await dialog.getByLabel('SMTP host').fill('127.0.0.1');
    await dialog.getByLabel('SMTP security').selectOption('none');
    await dialog.getByLabel('SMTP port').fill(String(smtp.port));
    await dialog.getByLabel('SMTP password').fill('smtp-pass-123');
    await dialog.getByLabel('IMAP host').fill(mailbox.host);
    await dialog.getByLabel('IMAP uses TLS').uncheck();
    await dialog.getByLabel('IMAP port').fill(String(mailbox.port));
    await dialog.getByLabel('IMAP username').fill(mailbox.user);
    await dialog.getByLabel('IMAP password').fill(mailbox.password);
    await dialog.getByRole('button', { name: 'Connect account' }).click();
    // The test runs by itself after connecting.
    const result = page.getByRole('dialog', { name: /Test connection/ });
    await expect.poll(() => result.textContent(), { timeout: 30_000 }).toMatch(/SMTP[\s\S]*IMAP/i);
    await expect.poll(async () => (await result.textContent())?.match(/fail|error|refused/i) === null, { timeout: 30_000 }).toBe(true);
    const { rows } = await t.deps.database.sql.query<{ email: string; smtp_password_enc: string }>('SELECT email, smtp_password_enc FROM sender_accounts');
    expect(rows).toEqual([{ email: 'rep@outreach.test', smtp_password_enc: expect.stringMatching(/^enc:v1:/) }]);
  });

  it('sends a test email from the account and shows the server\'s answer; the row shows today\'s sends', async () => {
    await page.getByRole('dialog', { name: /Test connection/ }).getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('listitem', { name: 'rep@outreach.test' });
    await expect.poll(() => row.textContent()).toMatch(/No sends yet/);
    await row.getByRole('button', { name: 'Actions for rep@outreach.test' }).click();
    await page.getByRole('menuitem', { name: 'Send a test email' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send a test email' });
    await dialog.getByLabel('Send to').fill('rita.inbox@outreach.test');
    await dialog.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => dialog.textContent(), { timeout: 30_000 }).toMatch(/Sent[\s\S]*250/);
    expect(smtp.received.at(-1)!.to).toEqual(['rita.inbox@outreach.test']);
  });

  it('ran without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
