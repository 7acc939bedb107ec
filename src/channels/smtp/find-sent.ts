import type { ImapFlow } from 'imapflow';
import { normaliseMessageId } from '../inbound/message-ids.js';
import type { SentLookup } from '../types.js';

/**
 * Whether the Sent folder holds a message with this Message-ID (after a crash mid-send).
 * 'unknown' whenever we cannot tell: no Sent folder, or the server refused the search.
 */
export async function findInSent(client: ImapFlow, messageId: string, sentFolder: string | undefined): Promise<SentLookup> {
  const id = normaliseMessageId(messageId);
  if (!id) return 'unknown';
  const folder = sentFolder ?? (await client.list()).find((box) => box.specialUse === '\\Sent')?.path;
  if (!folder) return 'unknown';
  const lock = await client.getMailboxLock(folder, { readOnly: true });
  try {
    const uids = await client.search({ header: { 'message-id': id } }, { uid: true });
    if (!uids) return 'unknown';
    return uids.length > 0 ? 'sent' : 'not_found';
  } finally {
    lock.release();
  }
}
