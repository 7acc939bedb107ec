import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_SOCKET_TIMEOUT_MS, type SmtpChannelConfig } from './config.js';

/**
 * One pooled SMTP transport per mailbox, created once and reused for every send (a login per
 * message is slow and looks abusive to providers). One connection: sends from one inbox are
 * spaced out by the scheduler anyway, and many providers cap concurrent sessions per account.
 */
export function createSmtpTransport(config: SmtpChannelConfig): Transporter<SMTPPool.SentMessageInfo> {
  const { smtp, dkim } = config;
  const connectMs = config.timeouts?.connectMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return nodemailer.createTransport({
    pool: true,
    maxConnections: 1,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure === 'tls',
    requireTLS: smtp.secure === 'starttls',
    ignoreTLS: smtp.secure === 'none',
    auth: { user: smtp.user, pass: smtp.password },
    name: config.fromDomain,
    connectionTimeout: connectMs,
    greetingTimeout: connectMs,
    socketTimeout: config.timeouts?.socketMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
    dkim: dkim ? { domainName: dkim.domainName, keySelector: dkim.keySelector, privateKey: dkim.privateKey } : undefined,
    // No logger: protocol logs would carry the AUTH exchange.
    logger: false,
    debug: false,
  });
}
