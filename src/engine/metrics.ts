import { processMetrics } from '../lib/metrics.js';
import type { ClaimedMessage } from './claim-messages.js';
import type { SendOutcome } from './record-results.js';

/**
 * The engine's metric hooks: each one line at its call site, none of them able to change what
 * the engine does (a metric is never worth a failed round).
 */

export function observeClaim(seconds: number, claimed: number) {
  const m = processMetrics();
  m.engineClaimDuration.observe(seconds);
  if (claimed) m.engineClaimed.inc(claimed);
}

/** One count per send attempt, by what the channel answered and which channel it was. */
export function countSendOutcomes(claimed: ClaimedMessage[], outcomes: SendOutcome[]) {
  const counter = processMetrics().engineMessages;
  outcomes.forEach((o, i) => counter.inc({ result: o.result.ok ? 'sent' : o.result.kind, channel: claimed[i]?.sender.kind ?? 'unknown' }));
}

export function countRoundError() {
  processMetrics().engineRoundErrors.inc();
}

export function countJob(queue: string, outcome: 'completed' | 'failed', seconds: number) {
  const m = processMetrics();
  m.jobs.inc({ queue, outcome });
  m.jobDuration.observe({ queue }, seconds);
}
