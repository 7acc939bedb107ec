import type { EmailChannel } from '../types.js';
import { createOutlookContext, type OutlookChannelOptions } from './client.js';
import { fetchOutlookInbound } from './fetch-inbound.js';
import { findSentInGraph, lookupSentMessage, type SentMessageRef } from './lookup-sent.js';
import { sendViaGraph } from './send.js';
import { checkOutlookConnection } from './test-connection.js';

export type { OutlookChannelOptions } from './client.js';
export type { SentMessageRef } from './lookup-sent.js';

export interface OutlookChannel extends EmailChannel {
  /**
   * sendMail answers 202 without an id: when the Graph id or conversationId of a sent message is
   * needed, find it in Sent Items by Message-ID. null: not there (yet); 'unknown': lookup failed.
   */
  lookupSent(messageId: string): Promise<SentMessageRef | null | 'unknown'>;
}

/**
 * A Microsoft 365 / Outlook.com mailbox over Microsoft Graph (OAuth): send our own MIME, read the
 * Inbox through delta rounds, look up sent mail by internetMessageId. fetchInbound throws
 * ChannelApiError (with a failure kind) since the contract has no failure value there.
 */
export function createOutlookChannel(options: OutlookChannelOptions): OutlookChannel {
  const ctx = createOutlookContext(options);
  return {
    kind: 'outlook',
    send: (email) => sendViaGraph(ctx, email),
    fetchInbound: (cursor) => fetchOutlookInbound(ctx, cursor),
    findSent: (messageId) => findSentInGraph(ctx, messageId),
    async lookupSent(messageId) {
      const found = await lookupSentMessage(ctx, messageId);
      return found.ok ? found.message : 'unknown';
    },
    testConnection: () => checkOutlookConnection(ctx),
    // fetch() keeps no per-channel connections: nothing to release.
    close: async () => {},
  };
}
