import { normaliseMessageId } from './message-ids.js';
import { parseHeaderBlock, walkParts, type MimePart } from './mime-parts.js';

export interface Bounce {
  type: 'hard' | 'soft';
  /** Enhanced status code (RFC 3463), e.g. `5.1.1`. */
  status: string;
  /** The remote server's answer, as reported (Diagnostic-Code without its `smtp;` type). */
  diagnostic: string;
  recipient: string | null;
  originalMessageId: string | null;
}

/** What a standard delivery report (RFC 3464) says; `delivered` covers delivered/relayed/expanded. */
export type DsnResult = { kind: 'bounce'; bounce: Bounce } | { kind: 'delivered' };

/**
 * Reads a multipart/report; report-type=delivery-status. Returns null when the message is not
 * one, so the caller can try the heuristics for non-standard bounces.
 */
export function readDsn(root: MimePart): DsnResult | null {
  const report = [...walkParts(root)].find(
    (p) => p.contentType === 'multipart/report' && (p.params['report-type'] ?? '').toLowerCase() === 'delivery-status',
  );
  if (!report) return null;
  const statusPart = [...walkParts(report)].find((p) => p.contentType === 'message/delivery-status' || p.contentType === 'message/global-delivery-status');
  if (!statusPart) return null;

  const blocks = statusPart.body
    .toString('utf8')
    .split(/\r?\n\s*\r?\n/)
    .map(parseHeaderBlock)
    .filter((b) => b.size > 0);
  const perMessage = blocks[0] ?? new Map<string, string>();
  const recipients = blocks.filter((b) => b.has('action') || b.has('final-recipient'));
  // The first recipient that failed, else the first delayed one; otherwise it reports success.
  const failed = recipients.find((b) => /^failed/i.test(b.get('action') ?? '')) ?? recipients.find((b) => /^delayed/i.test(b.get('action') ?? ''));
  if (!failed) return recipients.length > 0 ? { kind: 'delivered' } : null;

  const action = (failed.get('action') ?? '').toLowerCase();
  const status = (failed.get('status') ?? '').match(/[245]\.\d{1,3}\.\d{1,3}/)?.[0] ?? (action.startsWith('delayed') ? '4.0.0' : '5.0.0');
  const soft = action.startsWith('delayed') || status.startsWith('4');
  return {
    kind: 'bounce',
    bounce: {
      type: soft ? 'soft' : 'hard',
      status,
      diagnostic: stripType(failed.get('diagnostic-code') ?? ''),
      recipient: stripType(failed.get('final-recipient') ?? failed.get('original-recipient') ?? '') || null,
      originalMessageId: originalMessageId(report) ?? normaliseMessageId(perMessage.get('x-original-message-id')),
    },
  };
}

/** The Message-ID of the returned message (message/rfc822) or its returned headers (text/rfc822-headers). */
export function originalMessageId(root: MimePart): string | null {
  for (const part of walkParts(root)) {
    if (part.contentType === 'message/rfc822' || part.contentType === 'message/global') {
      const id = normaliseMessageId(part.parts[0]?.headers.get('message-id'));
      if (id) return id;
    }
    if (part.contentType === 'text/rfc822-headers' || part.contentType === 'message/global-headers') {
      const id = normaliseMessageId(parseHeaderBlock(part.body.toString('utf8')).get('message-id'));
      if (id) return id;
    }
  }
  return null;
}

/** `rfc822; bob@example.org` → `bob@example.org`; `smtp; 550 ...` → `550 ...`. */
function stripType(value: string): string {
  return value.replace(/^[a-z0-9-]+\s*;\s*/i, '').replace(/\s+/g, ' ').trim();
}
