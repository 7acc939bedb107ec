import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from './logger.js';

export interface SystemMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The one link the mail exists for; printed to the log when no SMTP server is configured. */
  link?: string;
}

export interface Mailer {
  send(mail: SystemMail): Promise<void>;
  close(): void;
}

/**
 * Mail the instance itself sends (verification, password reset, invites). Without SMTP_URL in
 * development the link is logged instead, so a fresh install works without a mail server.
 */
export function createMailer(opts: { smtpUrl: string | null; from: string; log: Logger; production: boolean }): Mailer {
  if (!opts.smtpUrl) {
    return {
      async send(mail) {
        if (opts.production) opts.log.warn({ to: mail.to, subject: mail.subject }, 'SMTP_URL is not set; system mail not sent');
        else opts.log.info({ to: mail.to, subject: mail.subject, link: mail.link }, `system mail (no SMTP_URL): ${mail.subject} -> ${mail.link ?? ''}`);
      },
      close() {},
    };
  }
  const transport: Transporter = nodemailer.createTransport(opts.smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from: opts.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
    close: () => transport.close(),
  };
}
