import { setTimeout as sleep } from 'node:timers/promises';
import type { Deps } from '../../../http/context.js';
import { sendMessage } from '../../../channels/messenger/index.js';
import { requireMessenger } from '../messenger-config.js';
import { claimRecipient } from './claim-recipient.js';
import { recordSend } from './record-send.js';

/**
 * Pacing under a page's rate: at most one broadcast message per page every this many ms
 * (10 a second). Facebook meters Messenger sends per page (a budget that grows with the people
 * who talk to the page, metered over 24 hours) and answers 613 past it; a steady pace keeps a
 * broadcast's burst well inside it, and a 613 pushes the page's next send back by what Graph says.
 */
export const PAGE_SEND_INTERVAL_MS = 100;
/** How long one job keeps sending before it hands over to a fresh job (other broadcasts get a turn). */
export const RUN_BUDGET_MS = 60_000;

export interface ProcessOptions {
  intervalMs?: number;
  /** Epoch ms after which the run stops and asks to be continued. */
  deadline?: number;
}

export interface ProcessResult {
  sent: number; skipped: number; failed: number; retried: number;
  /** finished: nothing left; paused: someone must act (reconnect, quota); later/deadline: continue at `next`. */
  state: 'done' | 'paused' | 'later' | 'deadline';
  next: Date | null;
  pausedReason?: string;
}

/**
 * Sends a broadcast, one recipient at a time, until nothing is due, the page must wait longer than
 * this run may last, or the broadcast pauses. Any number of these may run at once on the same
 * broadcast (several workers): each recipient is claimed by exactly one (claimRecipient).
 */
export async function processBroadcast(deps: Deps, broadcastId: string, opts: ProcessOptions = {}): Promise<ProcessResult> {
  const { graph } = requireMessenger(deps.config);
  const intervalMs = opts.intervalMs ?? PAGE_SEND_INTERVAL_MS;
  const deadline = opts.deadline ?? Date.now() + RUN_BUDGET_MS;
  const out: ProcessResult = { sent: 0, skipped: 0, failed: 0, retried: 0, state: 'done', next: null };
  for (;;) {
    if (Date.now() >= deadline) return { ...out, state: 'deadline', next: new Date() };
    const claim = await claimRecipient(deps, broadcastId, { intervalMs, now: new Date() });
    switch (claim.kind) {
      case 'done':
        return out;
      case 'paused':
        return { ...out, state: 'paused', pausedReason: claim.reason };
      case 'later':
        return { ...out, state: 'later', next: claim.at };
      case 'wait':
        if (claim.until.getTime() >= deadline) return { ...out, state: 'later', next: claim.until };
        await sleep(Math.max(0, claim.until.getTime() - Date.now()));
        continue;
      case 'settled':
        out[claim.status]++;
        continue;
      case 'send': {
        const res = await sendMessage(graph, { pageToken: claim.token, psid: claim.psid, text: claim.text, messagingType: claim.decision.messagingType, tag: claim.decision.tag });
        const outcome = await recordSend(deps, claim, res, new Date());
        if (outcome.status === 'paused') return { ...out, state: 'paused', pausedReason: outcome.reason };
        if (outcome.status === 'sent') out.sent++;
        else if (outcome.status === 'failed') out.failed++;
        else out.retried++;
      }
    }
  }
}
