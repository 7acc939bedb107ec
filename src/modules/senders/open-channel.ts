import { eq } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { senderAccounts } from '../../db/schema/index.js';
import { createGmailChannel } from '../../channels/gmail/index.js';
import { createTokenSource, type TokenResult, type TokenSource } from '../../channels/oauth/index.js';
import { createOutlookChannel } from '../../channels/outlook/index.js';
import { createSmtpChannel } from '../../channels/smtp/index.js';
import type { EmailChannel } from '../../channels/types.js';
import type { Logger } from '../../lib/logger.js';
import { providerConfig } from './oauth-connect.js';
import { openSecret, sealSecret, type SenderRow } from './senders.js';

interface ChannelDeps {
  db: Db;
  config: Config;
  log: Logger;
}

function openSmtpChannel(config: Config, row: SenderRow): EmailChannel {
  const dkimKey = openSecret(config.secrets, row, 'dkimPrivateKeyEnc');
  return createSmtpChannel({
    smtp: { host: row.smtpHost!, port: row.smtpPort!, secure: row.smtpSecurity!, user: row.smtpUser!, password: openSecret(config.secrets, row, 'smtpPasswordEnc') ?? '' },
    imap: { host: row.imapHost!, port: row.imapPort!, secure: row.imapSecure!, user: row.imapUser!, password: openSecret(config.secrets, row, 'imapPasswordEnc') ?? '' },
    dkim: dkimKey && row.dkimDomain && row.dkimSelector ? { domainName: row.dkimDomain, keySelector: row.dkimSelector, privateKey: dkimKey } : undefined,
    fromDomain: row.sendingDomain ?? row.email.split('@')[1]!,
    timeouts: { connectMs: 15_000, socketMs: 20_000 },
  });
}

/** Marks the account "reconnect needed" the moment the provider says its grant is dead. */
export async function markReconnectNeeded(db: Db, senderId: string, reason: string) {
  await db.update(senderAccounts).set({ status: 'reconnect_needed', statusReason: reason.slice(0, 500), updatedAt: new Date() }).where(eq(senderAccounts.id, senderId));
}

/**
 * A token source for a stored OAuth account: refreshed tokens (and Microsoft's rotated refresh
 * token) are sealed back into the row; an `auth` answer flips the account to "reconnect needed"
 * once — the source itself never asks the token endpoint again.
 */
function storedTokenSource(deps: ChannelDeps, row: SenderRow): TokenSource {
  const provider = providerConfig(deps.config, row.kind === 'gmail' ? 'google' : 'microsoft');
  const source = createTokenSource({
    tokenUrl: provider.tokenUrl,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    tokens: { accessToken: openSecret(deps.config.secrets, row, 'accessTokenEnc'), expiresAt: row.tokenExpiresAt, refreshToken: openSecret(deps.config.secrets, row, 'refreshTokenEnc') ?? '', scopes: row.scopes },
    onTokens: async (t) => {
      await deps.db.update(senderAccounts).set({
        accessTokenEnc: sealSecret(deps.config.secrets, row.id, 'accessTokenEnc', t.accessToken),
        refreshTokenEnc: sealSecret(deps.config.secrets, row.id, 'refreshTokenEnc', t.refreshToken),
        tokenExpiresAt: t.expiresAt,
        scopes: t.scopes,
        updatedAt: new Date(),
      }).where(eq(senderAccounts.id, row.id));
    },
  });
  let marked = false;
  const watch = async (result: TokenResult): Promise<TokenResult> => {
    if (!result.ok && result.kind === 'auth' && !marked) {
      marked = true;
      await markReconnectNeeded(deps.db, row.id, `${result.code}: ${result.message}`);
      deps.log.warn({ senderId: row.id, code: result.code }, 'mailbox needs to be reconnected');
    }
    return result;
  };
  return {
    getAccessToken: async () => watch(await source.getAccessToken()),
    refreshAfterRejection: async (rejected) => watch(await source.refreshAfterRejection(rejected)),
    get scopes() {
      return source.scopes;
    },
  };
}

/** The channel for a stored account, with credentials decrypted only in memory. */
export function openChannel(deps: ChannelDeps, row: SenderRow): EmailChannel {
  switch (row.kind) {
    case 'smtp':
      return openSmtpChannel(deps.config, row);
    case 'gmail':
      return createGmailChannel({ apiBaseUrl: providerConfig(deps.config, 'google').apiBaseUrl, tokenSource: storedTokenSource(deps, row), mailbox: row.email });
    case 'outlook':
      return createOutlookChannel({ graphBaseUrl: providerConfig(deps.config, 'microsoft').apiBaseUrl, tokenSource: storedTokenSource(deps, row), mailbox: row.email });
  }
}
