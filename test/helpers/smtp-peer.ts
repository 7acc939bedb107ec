import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * A real SMTP server (smtp-server) on loopback for channel tests: AUTH with fixed credentials,
 * RCPT answers scripted per recipient, and every accepted message kept raw, as received.
 */

export interface Reply {
  code: number;
  /** The text after the code, e.g. `5.1.1 <x@y>: Recipient address rejected: User unknown`. */
  text: string;
}

export interface Received {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpPeer {
  port: number;
  received: Received[];
  /** Scripted RCPT TO answers, by recipient address. */
  rcptReplies: Map<string, Reply>;
  close(): Promise<void>;
}

export async function startSmtpPeer(credentials: { user: string; password: string }, options: Partial<SMTPServerOptions> = {}): Promise<SmtpPeer> {
  const received: Received[] = [];
  const rcptReplies = new Map<string, Reply>();
  const fail = (reply: Reply) => Object.assign(new Error(reply.text), { responseCode: reply.code });

  const server = new SMTPServer({
    // Plain SMTP on loopback; the channel under test uses secure: 'none'.
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.password) return callback(null, { user: auth.username });
      callback(fail({ code: 535, text: '5.7.8 Error: authentication failed: UGFzc3dvcmQ6' }));
    },
    onRcptTo(address, _session, callback) {
      const reply = rcptReplies.get(address.address);
      callback(reply ? fail(reply) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback(null, `2.0.0 Ok: queued as Q${received.length}`);
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    rcptReplies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
