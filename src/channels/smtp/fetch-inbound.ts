import type { ImapFlow } from 'imapflow';
import { parseRawEmail } from '../inbound/parse-email.js';
import type { InboundBatch, InboundEmail } from '../types.js';

/** At most this many messages per call; the cursor moves to the last one, the next call goes on. */
const BATCH = 100;

/**
 * New INBOX messages since `cursor` = `${uidValidity}:${lastUid}`. UIDs only grow within one
 * UIDVALIDITY, so "UID > lastUid" is exactly "new since last time". A null cursor starts at the
 * current UIDNEXT (only mail that arrives from now on). When UIDVALIDITY changed, the old UIDs
 * mean nothing any more: we start again from now and say so (resynced).
 * The mailbox is opened read-only, so fetching never marks the user's mail as read.
 */
export async function fetchInboxSince(client: ImapFlow, cursor: string | null): Promise<InboundBatch> {
  const lock = await client.getMailboxLock('INBOX', { readOnly: true });
  try {
    const box = client.mailbox;
    if (!box) throw new Error('INBOX is not open');
    const validity = String(box.uidValidity);
    const fromNow = `${validity}:${Math.max(0, box.uidNext - 1)}`;
    const position = parseCursor(cursor);
    if (!position) return { messages: [], cursor: fromNow, ...(cursor === null ? {} : { resynced: true }) };
    if (position.validity !== validity) return { messages: [], cursor: fromNow, resynced: true };

    // `n:*` always includes the highest UID, even when it is below n: filter.
    const found = (await client.search({ uid: `${position.lastUid + 1}:*` }, { uid: true })) || [];
    const uids = found.filter((uid) => uid > position.lastUid).sort((a, b) => a - b).slice(0, BATCH);
    if (uids.length === 0) return { messages: [], cursor: `${validity}:${position.lastUid}` };

    const sources: { uid: number; source: Buffer; date: Date | undefined }[] = [];
    // Collect first, parse after: no other work may run inside imapflow's fetch iteration.
    for await (const msg of client.fetch(uids.join(','), { uid: true, source: true, internalDate: true }, { uid: true })) {
      if (msg.source) sources.push({ uid: msg.uid, source: msg.source, date: toDate(msg.internalDate) });
    }
    sources.sort((a, b) => a.uid - b.uid);
    const messages: InboundEmail[] = [];
    for (const { uid, source, date } of sources) messages.push(await parseRawEmail(source, `${validity}:${uid}`, date));
    return { messages, cursor: `${validity}:${uids[uids.length - 1]}` };
  } finally {
    lock.release();
  }
}

function parseCursor(cursor: string | null): { validity: string; lastUid: number } | null {
  const match = cursor?.match(/^(\d+):(\d+)$/);
  return match ? { validity: match[1]!, lastUid: Number(match[2]) } : null;
}

function toDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
