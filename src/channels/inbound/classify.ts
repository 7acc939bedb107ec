import type { InboundEmail } from '../types.js';
import { isAutoReply } from './auto-reply.js';
import { readTextBounce } from './bounce-fallback.js';
import { originalMessageId, readDsn, type Bounce } from './dsn.js';
import { messageIdsIn, uniqueIds } from './message-ids.js';
import { parseMime, type MimePart } from './mime-parts.js';

export type { Bounce } from './dsn.js';

export interface InboundClassification {
  kind: 'reply' | 'auto_reply' | 'bounce';
  bounce?: Bounce;
  /** Our Message-IDs this message points at (In-Reply-To, References, a bounce's original), `<id>` form. */
  matchedMessageIds: string[];
}

/**
 * Decides what an inbound email means for the sequence: a bounce (suppress or retry the address),
 * an automatic answer (ignore), or a person's reply (stop the sequence). Works for any channel's
 * InboundEmail; the raw source, when present, is needed to read standard delivery reports.
 */
export function classifyInbound(email: InboundEmail): InboundClassification {
  const headers = lowerCaseHeaders(email.headers);
  const threadIds = [...(email.inReplyTo ? messageIdsIn(email.inReplyTo) : []), ...email.references.flatMap(messageIdsIn)];
  const root: MimePart | null = email.raw ? parseMime(email.raw) : null;

  const dsn = root ? readDsn(root) : null;
  if (dsn?.kind === 'bounce') return bounce(dsn.bounce, threadIds);
  // A "delivered" report is machine-written too, but nothing failed.
  if (dsn?.kind === 'delivered') return { kind: 'auto_reply', matchedMessageIds: uniqueIds(threadIds) };

  const textBounce = readTextBounce(email, headers);
  if (textBounce) {
    // A non-standard bounce may still attach the original as message/rfc822.
    const attached = root ? originalMessageId(root) : null;
    return bounce({ ...textBounce, originalMessageId: attached ?? textBounce.originalMessageId }, threadIds);
  }

  return { kind: isAutoReply(email, headers) ? 'auto_reply' : 'reply', matchedMessageIds: uniqueIds(threadIds) };
}

function bounce(info: Bounce, threadIds: string[]): InboundClassification {
  return { kind: 'bounce', bounce: info, matchedMessageIds: uniqueIds([...threadIds, info.originalMessageId]) };
}

function lowerCaseHeaders(headers: Record<string, string>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) map.set(name.toLowerCase(), value);
  return map;
}
