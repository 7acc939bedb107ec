import type { EmailChannel, SendResult } from '../types.js';
import type { SmtpChannelConfig } from './config.js';
import { fetchInboxSince } from './fetch-inbound.js';
import { findInSent } from './find-sent.js';
import { withImap } from './imap-client.js';
import { composeMime } from '../mime/message.js';
import { classifySmtpError } from './smtp-errors.js';
import { checkConnection } from './test-connection.js';
import { createSmtpTransport } from './transport.js';

export type { SmtpChannelConfig } from './config.js';

/** A plain mailbox as an EmailChannel: nodemailer over SMTP to send, imapflow over IMAP to read. */
export function createSmtpChannel(config: SmtpChannelConfig): EmailChannel {
  const transport = createSmtpTransport(config);
  return {
    kind: 'smtp',

    async send(email): Promise<SendResult> {
      let message;
      try {
        // Bytes built by us and sent as they are (no composer pipeline per message).
        message = composeMime(email);
      } catch (error) {
        // A malformed address or header can never be delivered: retrying would not help.
        return { ok: false, kind: 'permanent', code: 'EMESSAGE', message: (error as Error).message };
      }
      try {
        const info = await transport.sendMail(message);
        return { ok: true, response: info.response };
      } catch (error) {
        return classifySmtpError(error);
      }
    },

    fetchInbound: (cursor) => withImap(config, (client) => fetchInboxSince(client, cursor)),

    async findSent(messageId) {
      try {
        return await withImap(config, (client) => findInSent(client, messageId, config.imap.sentFolder));
      } catch {
        return 'unknown';
      }
    },

    testConnection: () => checkConnection(config, transport),

    async close() {
      transport.close();
    },
  };
}
