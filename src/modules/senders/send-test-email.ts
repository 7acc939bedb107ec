import { randomUUID } from 'node:crypto';
import type { Deps } from '../../http/context.js';
import { openChannel } from './open-channel.js';
import type { SenderRow } from './senders.js';

/**
 * "Send a test": one plain message from the inbox to an address the user names, through the
 * same channel campaigns use, so a wrong password, a blocked port or a refused sender shows up
 * before a campaign depends on it. The server's exact answer comes back.
 */
export async function sendTestEmail(deps: Pick<Deps, 'db' | 'config' | 'log'>, sender: SenderRow, to: string) {
  const domain = sender.sendingDomain ?? sender.email.split('@')[1]!;
  const channel = openChannel(deps, sender);
  try {
    const result = await channel.send({
      from: { name: sender.fromName, address: sender.email },
      to: { address: to },
      subject: `Test message from ${sender.email}`,
      text: `This is a test sent by MessageSender through ${sender.email} (${sender.kind}).\n\nIf you can read this, the account can send.${sender.signature ? `\n\n${sender.signature}` : ''}\n`,
      messageId: `<test-${randomUUID()}@${domain}>`,
    });
    return result.ok
      ? { ok: true, detail: result.response ?? 'accepted by the provider' }
      : { ok: false, detail: `${result.code ? `${result.code} ` : ''}${result.message}`, kind: result.kind };
  } finally {
    await channel.close();
  }
}
