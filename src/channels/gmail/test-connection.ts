import type { ConnectionCheck } from '../types.js';
import type { GmailContext } from './client.js';

type Check = ConnectionCheck['checks'][number];

const G = 'https://www.googleapis.com/auth/';
/** Any one of these lets us send / read replies (a broader scope also does). */
const SEND_SCOPES = [`${G}gmail.send`, `${G}gmail.compose`, `${G}gmail.modify`, 'https://mail.google.com/'];
const READ_SCOPES = [`${G}gmail.readonly`, `${G}gmail.modify`, 'https://mail.google.com/'];

/**
 * Token, identity, read access and (when known) granted scopes, each its own line with Google's
 * own words on failure, so the user sees which part to fix.
 */
export async function checkGmailConnection(ctx: GmailContext): Promise<ConnectionCheck> {
  const token = await ctx.tokenSource.getAccessToken();
  if (!token.ok) return done([{ name: 'token', ok: false, detail: token.message }]);
  const checks: Check[] = [{ name: 'token', ok: true, detail: 'access token is valid' }];

  const profile = await ctx.api.request<{ emailAddress: string; messagesTotal?: number }>('profile');
  if (!profile.ok) checks.push({ name: 'profile', ok: false, detail: profile.failure.message });
  else {
    const same = profile.data.emailAddress.toLowerCase() === ctx.mailbox.toLowerCase();
    checks.push({ name: 'profile', ok: same, detail: same ? `signed in as ${profile.data.emailAddress}` : `the token belongs to ${profile.data.emailAddress}, not ${ctx.mailbox}` });
  }

  const read = await ctx.api.request('messages', { query: 'maxResults=1' });
  checks.push(read.ok ? { name: 'read', ok: true, detail: 'can read the mailbox (replies and bounces)' } : { name: 'read', ok: false, detail: read.failure.message });

  const granted = ctx.tokenSource.scopes;
  if (granted) {
    const needs: [string, string[]][] = [['send', SEND_SCOPES], ['read', READ_SCOPES]];
    const missing = needs.filter(([, any]) => !any.some((s) => granted.includes(s))).map(([need]) => need);
    checks.push({ name: 'scopes', ok: missing.length === 0, detail: missing.length ? `permission to ${missing.join(' and ')} mail was not granted; reconnect and leave every box ticked` : 'send and read permissions granted' });
  }
  return done(checks);
}

const done = (checks: Check[]): ConnectionCheck => ({ ok: checks.every((c) => c.ok), checks });
