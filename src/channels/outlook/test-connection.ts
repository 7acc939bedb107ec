import type { ConnectionCheck } from '../types.js';
import type { OutlookContext } from './client.js';

type Check = ConnectionCheck['checks'][number];

/** Granted scopes come back as "https://graph.microsoft.com/Mail.Send" or "Mail.Send": compare the short, lower-case form. */
const short = (scope: string) => scope.replace(/^https:\/\/graph\.microsoft\.com\//i, '').toLowerCase();
const NEEDS: [string, string[]][] = [['send', ['mail.send']], ['read', ['mail.read', 'mail.readwrite']]];

/**
 * Token, identity (/me), read access and (when known) granted scopes, each its own line with
 * Microsoft's own words on failure, so the user sees which part to fix.
 */
export async function checkOutlookConnection(ctx: OutlookContext): Promise<ConnectionCheck> {
  const token = await ctx.tokenSource.getAccessToken();
  if (!token.ok) return done([{ name: 'token', ok: false, detail: token.message }]);
  const checks: Check[] = [{ name: 'token', ok: true, detail: 'access token is valid' }];

  const me = await ctx.api.request<{ mail?: string | null; userPrincipalName?: string }>('/me');
  if (!me.ok) checks.push({ name: 'profile', ok: false, detail: me.failure.message });
  else {
    const address = me.data.mail ?? me.data.userPrincipalName ?? '';
    const same = address.toLowerCase() === ctx.mailbox.toLowerCase();
    checks.push({ name: 'profile', ok: same, detail: same ? `signed in as ${address}` : `the token belongs to ${address || 'an account without a mailbox address'}, not ${ctx.mailbox}` });
  }

  const read = await ctx.api.request('/me/mailFolders/inbox/messages', { query: '$top=1&$select=id' });
  checks.push(read.ok ? { name: 'read', ok: true, detail: 'can read the Inbox (replies and bounces)' } : { name: 'read', ok: false, detail: read.failure.message });

  const granted = ctx.tokenSource.scopes?.map(short);
  if (granted) {
    const missing = NEEDS.filter(([, any]) => !any.some((s) => granted.includes(s))).map(([need]) => need);
    checks.push({ name: 'scopes', ok: missing.length === 0, detail: missing.length ? `permission to ${missing.join(' and ')} mail was not granted; reconnect and accept every permission` : 'send and read permissions granted' });
  }
  return done(checks);
}

const done = (checks: Check[]): ConnectionCheck => ({ ok: checks.every((c) => c.ok), checks });
