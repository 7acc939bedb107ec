import type { Transporter } from 'nodemailer';
import type { ConnectionCheck } from '../types.js';
import type { SmtpChannelConfig } from './config.js';
import { imapErrorText, withImap } from './imap-client.js';

type Check = ConnectionCheck['checks'][number];

/**
 * SMTP and IMAP are checked separately and side by side: a user fixing a mailbox needs to know
 * which of the two servers refused, in that server's own words.
 */
export async function checkConnection(config: SmtpChannelConfig, transport: Transporter): Promise<ConnectionCheck> {
  const checks = await Promise.all([checkSmtp(config, transport), checkImap(config)]);
  return { ok: checks.every((c) => c.ok), checks };
}

async function checkSmtp(config: SmtpChannelConfig, transport: Transporter): Promise<Check> {
  const { host, port, user } = config.smtp;
  try {
    // verify() opens its own connection: EHLO, STARTTLS when configured, AUTH.
    await transport.verify();
    return { name: 'smtp', ok: true, detail: `${host}:${port} accepted the login for ${user}` };
  } catch (error) {
    const e = error as { response?: string; message?: string };
    return { name: 'smtp', ok: false, detail: e.response ?? e.message ?? String(error) };
  }
}

async function checkImap(config: SmtpChannelConfig): Promise<Check> {
  const { host, port, user } = config.imap;
  try {
    const exists = await withImap(config, async (client) => {
      const box = await client.mailboxOpen('INBOX', { readOnly: true });
      return box.exists;
    });
    return { name: 'imap', ok: true, detail: `${host}:${port} accepted the login for ${user}; INBOX has ${exists} messages` };
  } catch (error) {
    return { name: 'imap', ok: false, detail: imapErrorText(error) };
  }
}
