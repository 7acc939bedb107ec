/**
 * The one narrow interface every email channel implements (SMTP+IMAP, Gmail API, Microsoft Graph).
 * The engine and the senders module depend only on this; each channel lives in its own folder
 * with its own tests. Expected failures are values (SendResult), not exceptions.
 */

export interface Address {
  name?: string | null;
  address: string;
}

/** A fully decided outgoing email; the channel only encodes and delivers it. */
export interface OutgoingEmail {
  from: Address;
  to: Address;
  replyTo?: Address;
  subject: string;
  text: string;
  html?: string | null;
  /** Our RFC 5322 Message-ID, `<id@domain>`: the key for threading and crash-time look-ups. */
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  /** Provider thread to continue (Gmail threadId, Graph conversationId), when known. */
  providerThreadId?: string | null;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  headers?: Record<string, string>;
}

export type SendFailureKind =
  /** Try again later (SMTP 4xx, HTTP 5xx, connection reset). */
  | 'transient'
  /** Slow down; honour retryAfterSeconds when given (HTTP 429, Gmail rateLimitExceeded). */
  | 'rate_limited'
  /** The recipient will never accept it (SMTP 5xx for the address): a hard bounce. */
  | 'permanent'
  /** Credentials no longer work (invalid_grant, Graph 401, SMTP 535): reconnect needed, never retried. */
  | 'auth';

export type SendResult =
  | { ok: true; providerMessageId?: string; providerThreadId?: string; response?: string }
  | { ok: false; kind: SendFailureKind; code?: string; message: string; retryAfterSeconds?: number };

/** What arrived in the mailbox, parsed; classification (reply / auto-reply / bounce) is separate. */
export interface InboundEmail {
  providerId: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  providerThreadId?: string | null;
  from: Address | null;
  to: Address[];
  subject: string;
  date: Date;
  text: string;
  html?: string | null;
  headers: Record<string, string>;
  /** The raw RFC 5322 source, when the channel has it (needed to parse DSN bounce reports). */
  raw?: Buffer;
}

export interface InboundBatch {
  messages: InboundEmail[];
  /** Opaque position to resume from (IMAP UID, Gmail historyId, Graph deltaLink). */
  cursor: string;
  /** True when the old cursor had expired (Gmail 404, Graph 410) and the channel resynced. */
  resynced?: boolean;
}

export type SentLookup = 'sent' | 'not_found' | 'unknown';

export interface ConnectionCheck {
  ok: boolean;
  /** One line per part checked, with the server's exact answer on failure. */
  checks: { name: string; ok: boolean; detail: string }[];
}

export interface EmailChannel {
  readonly kind: 'smtp' | 'gmail' | 'outlook';
  send(email: OutgoingEmail): Promise<SendResult>;
  /** New inbound messages since `cursor` (null: start from now). */
  fetchInbound(cursor: string | null): Promise<InboundBatch>;
  /** After a crash mid-send: did a message with this Message-ID leave the mailbox? */
  findSent(messageId: string): Promise<SentLookup>;
  testConnection(): Promise<ConnectionCheck>;
  close(): Promise<void>;
}
