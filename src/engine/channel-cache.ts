import type { EmailChannel } from '../channels/types.js';
import type { Deps } from '../http/context.js';
import { openChannel } from '../modules/senders/open-channel.js';
import type { SenderRow } from '../modules/senders/senders.js';

/**
 * One open channel (pooled SMTP transport, token source) per inbox, reused across sends and
 * replaced when the account's row changes (new password, reconnect).
 */
export function createChannelCache(deps: Pick<Deps, 'db' | 'config' | 'log'>) {
  const open = new Map<string, { version: number; channel: EmailChannel }>();
  return {
    get(sender: SenderRow): EmailChannel {
      const version = sender.updatedAt.getTime();
      const cached = open.get(sender.id);
      if (cached?.version === version) return cached.channel;
      if (cached) void cached.channel.close().catch(() => undefined);
      const channel = openChannel(deps, sender);
      open.set(sender.id, { version, channel });
      return channel;
    },
    async closeAll() {
      const channels = [...open.values()].map((c) => c.channel);
      open.clear();
      await Promise.allSettled(channels.map((c) => c.close()));
    },
  };
}

export type ChannelCache = ReturnType<typeof createChannelCache>;
