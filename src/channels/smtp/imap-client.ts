import { ImapFlow } from 'imapflow';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_SOCKET_TIMEOUT_MS, type SmtpChannelConfig } from './config.js';

/**
 * Runs `work` on a fresh, logged-in IMAP connection and logs out afterwards. A connection per
 * poll, not one kept open: polls are minutes apart, and servers drop idle sessions anyway, so a
 * long-lived client would mostly be reconnect handling.
 */
export async function withImap<T>(config: SmtpChannelConfig, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const { imap } = config;
  const connectMs = config.timeouts?.connectMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth: { user: imap.user, pass: imap.password },
    // No logger: it would print the LOGIN command with the password.
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: connectMs,
    greetingTimeout: connectMs,
    socketTimeout: config.timeouts?.socketMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
  });
  // Socket errors also reject the pending command; without a listener they would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    return await work(client);
  } finally {
    if (client.usable) await client.logout().catch(() => client.close());
    else client.close();
  }
}

/** The server's own words: its tagged reply without the tag (`NO [AUTHENTICATIONFAILED] ...`), else the socket error. */
export function imapErrorText(error: unknown): string {
  const e = (error ?? {}) as { response?: unknown; message?: unknown };
  if (typeof e.response === 'string' && e.response.trim()) return e.response.trim().replace(/^[A-Za-z0-9.]+ (?=(OK|NO|BAD|BYE)\b)/, '');
  return typeof e.message === 'string' ? e.message : String(error);
}
