import { createHash } from 'node:crypto';

/** What one Messenger webhook event is; decides how it is stored and processed. */
export type MessengerEventKind = 'message' | 'echo' | 'postback' | 'delivery' | 'read' | 'other';

/** A messaging event as Facebook sends it (the fields we read). */
export interface MessagingEvent {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: {
    mid?: string;
    text?: string;
    is_echo?: boolean;
    app_id?: number | string;
    metadata?: string;
    quick_reply?: { payload?: string };
    reply_to?: { mid?: string };
    attachments?: { type?: string; payload?: Record<string, unknown> }[];
  };
  postback?: { mid?: string; title?: string; payload?: string };
  delivery?: { mids?: string[]; watermark?: number };
  read?: { watermark?: number };
}

/** One row of webhook_events: the event with the page it arrived for. */
export interface StoredMessengerEvent {
  kind: MessengerEventKind;
  /** Facebook's page id (entry.id). */
  pageId: string;
  entryTime: number | null;
  event: MessagingEvent;
}

export const WEBHOOK_SOURCE = 'facebook';

export function kindOf(event: MessagingEvent): MessengerEventKind {
  if (event.message) return event.message.is_echo ? 'echo' : 'message';
  if (event.postback) return 'postback';
  if (event.delivery) return 'delivery';
  if (event.read) return 'read';
  return 'other';
}

/**
 * The key a redelivery of the same event hits: the mid for messages and echoes (Facebook's own
 * id), otherwise a hash of what identifies the event (page, sender, time, kind, watermark).
 */
export function dedupeKey(pageId: string, kind: MessengerEventKind, event: MessagingEvent): string {
  if ((kind === 'message' || kind === 'echo') && event.message?.mid) return event.message.mid;
  const watermark = event.delivery?.watermark ?? event.read?.watermark ?? '';
  const extra = kind === 'other' ? JSON.stringify(event) : '';
  const basis = [pageId, event.sender?.id ?? '', event.timestamp ?? '', kind, watermark, extra].join('|');
  return `${kind}:${createHash('sha256').update(basis).digest('hex')}`;
}

/**
 * The messaging events of a page webhook payload: one per event, across every entry (Facebook
 * batches several pages and several events per entry). Anything that is not a page payload
 * (Instagram, feed changes) yields nothing.
 */
export function messagingEvents(payload: unknown): { dedupeKey: string; data: StoredMessengerEvent }[] {
  if (!payload || typeof payload !== 'object') return [];
  const { object, entry } = payload as { object?: unknown; entry?: unknown };
  if (object !== 'page' || !Array.isArray(entry)) return [];
  const out: { dedupeKey: string; data: StoredMessengerEvent }[] = [];
  for (const e of entry as { id?: unknown; time?: unknown; messaging?: unknown }[]) {
    if (!e || typeof e.id !== 'string' || !Array.isArray(e.messaging)) continue;
    for (const event of e.messaging as MessagingEvent[]) {
      if (!event || typeof event !== 'object') continue;
      const kind = kindOf(event);
      out.push({ dedupeKey: dedupeKey(e.id, kind, event), data: { kind, pageId: e.id, entryTime: typeof e.time === 'number' ? e.time : null, event } });
    }
  }
  return out;
}
