import type { EmailChannel } from '../types.js';
import { createGmailContext, type GmailChannelOptions } from './client.js';
import { fetchGmailInbound } from './fetch-inbound.js';
import { findSentInGmail } from './find-sent.js';
import { sendViaGmail } from './send.js';
import { checkGmailConnection } from './test-connection.js';

export type { GmailChannelOptions } from './client.js';

/**
 * A Gmail / Google Workspace mailbox over the Gmail API (OAuth): send our own MIME, read INBOX
 * through history, look up sent mail by Message-ID. fetchInbound throws ChannelApiError (with a
 * failure kind) since the contract has no failure value there; send/findSent never throw for
 * provider answers.
 */
export function createGmailChannel(options: GmailChannelOptions): EmailChannel {
  const ctx = createGmailContext(options);
  return {
    kind: 'gmail',
    send: (email) => sendViaGmail(ctx, email),
    fetchInbound: (cursor) => fetchGmailInbound(ctx, cursor),
    findSent: (messageId) => findSentInGmail(ctx, messageId),
    testConnection: () => checkGmailConnection(ctx),
    // fetch() keeps no per-channel connections: nothing to release.
    close: async () => {},
  };
}
