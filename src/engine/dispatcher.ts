import type { Deps } from '../http/context.js';
import type { SendResult } from '../channels/types.js';
import { createChannelCache, type ChannelCache } from './channel-cache.js';
import { claimMessages, type ClaimedMessage } from './claim-messages.js';
import { recordResults, type SendOutcome } from './record-results.js';
import { recoverInFlight } from './recover-in-flight.js';
import { localDay } from './sending-window.js';
import { trackingKeys } from '../modules/tracking/tokens.js';
import { utcDay } from './sender-capacity.js';
import { quotaMonth } from '../modules/billing/quota.js';
import { countRoundError, countSendOutcomes, observeClaim } from './metrics.js';

export interface DispatchOptions {
  workerId: string;
  /** Messages claimed per transaction. */
  batchSize: number;
  /** Sends in flight at once across inboxes (each inbox's own pool limits its connections). */
  concurrency: number;
  /** How long a claim is ours; after that a crashed worker's messages are looked up and recovered. */
  leaseMs: number;
}

/**
 * One round: recover expired leases, claim a batch, send it, record the answers. `now` is a
 * parameter so tests drive the engine with a fake clock; the loop passes the real time.
 */
export async function dispatchOnce(deps: Pick<Deps, 'db' | 'config'>, channels: ChannelCache, opts: DispatchOptions & { now: Date }) {
  const recovered = await recoverInFlight(deps.db, { now: opts.now, workerId: opts.workerId, leaseMs: opts.leaseMs, channelFor: channels.get });
  const claimStarted = performance.now();
  const claimed = await claimMessages(deps.db, { now: opts.now, workerId: opts.workerId, limit: opts.batchSize, leaseMs: opts.leaseMs, publicUrl: deps.config.publicUrl, keys: trackingKeys(deps.config.secrets), billing: deps.config.billing });
  observeClaim((performance.now() - claimStarted) / 1000, claimed.length);
  if (!claimed.length) return { recovered, claimed: 0, sent: 0, failed: 0 };
  const outcomes = await sendAll(claimed, channels, opts.concurrency, opts.now, deps.config.billing !== null);
  await recordResults(deps.db, outcomes, { now: opts.now, workerId: opts.workerId });
  countSendOutcomes(claimed, outcomes);
  const sent = outcomes.filter((o) => o.result.ok).length;
  return { recovered, claimed: claimed.length, sent, failed: outcomes.length - sent };
}

async function sendAll(claimed: ClaimedMessage[], channels: ChannelCache, concurrency: number, now: Date, quota: boolean): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = new Array(claimed.length);
  let next = 0;
  const lane = async () => {
    while (next < claimed.length) {
      const i = next++;
      const { candidate: c, sender, composed } = claimed[i]!;
      let result: SendResult;
      try {
        result = await channels.get(sender).send(composed.email);
      } catch (err) {
        // A channel bug must not lose the message: it is retried like a dropped connection.
        result = { ok: false, kind: 'transient', code: 'EINTERNAL', message: (err as Error).message };
      }
      outcomes[i] = {
        messageId: c.id, senderId: sender.id, stepPosition: c.step_position, campaignId: c.campaign_id, workspaceId: c.workspace_id,
        contactId: c.contact_id, toEmail: composed.email.to.address, attempts: c.attempts + 1,
        pinned: c.step_position > 1, dailyNewLimited: c.step_position === 1 && c.daily_new_limit !== null,
        campaignDay: localDay(c.timezone, now), senderDay: utcDay(now), quotaMonth: quota ? quotaMonth(now) : null, result,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, lane));
  return outcomes;
}

/**
 * The worker's sending loop: rounds back to back while there is work, a short idle sleep when
 * there is none. Stopping waits for the round in hand, so a graceful stop leaves no lease behind.
 */
export function startDispatcher(deps: Deps, opts: DispatchOptions & { idleMs: number }) {
  const channels = createChannelCache(deps);
  let stopping = false;
  let wake: (() => void) | null = null;
  // Logged on each change between working and idle, so operators (and the crash test) can see a queue drain.
  let busy = false;
  const loop = (async () => {
    while (!stopping) {
      let claimed = 0;
      try {
        const round = await dispatchOnce(deps, channels, { ...opts, now: new Date() });
        claimed = round.claimed;
        if (round.recovered) deps.log.info({ recovered: round.recovered }, 'recovered in-flight messages of a stopped worker');
        if (round.claimed || round.recovered) busy = true;
        else if (busy) {
          busy = false;
          deps.log.info('sending engine idle: nothing due');
        }
      } catch (err) {
        countRoundError();
        deps.log.error({ err }, 'dispatch round failed');
      }
      if (!claimed && !stopping) await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, opts.idleMs); });
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      await channels.closeAll();
    },
  };
}
