import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/helpers/closed-port.js';
import { startFakeGoogle, type FakeGoogle } from '../../../test/fakes/google.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../../../test/fakes/microsoft.js';
import { refreshAccessToken } from './refresh-token.js';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const MS_SCOPES = 'offline_access Mail.Send Mail.Read';

let g: FakeGoogle;
let ms: FakeMicrosoft;
let down: Server;
beforeAll(async () => {
  [g, ms] = await Promise.all([startFakeGoogle({ now: () => NOW }), startFakeMicrosoft({ now: () => NOW })]);
  // A token endpoint having a bad moment: 503 with Retry-After, as OAuth servers do under load.
  down = createServer((_req, res) => res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '12' }).end('{"error":"temporarily_unavailable"}'));
  await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await Promise.all([g.close(), ms.close(), new Promise((resolve) => down.close(resolve))]);
});

const google = (refreshToken: string, over: { clientSecret?: string } = {}) =>
  refreshAccessToken({ tokenUrl: `${g.oauthBaseUrl}/token`, clientId: g.clientId, clientSecret: over.clientSecret ?? g.clientSecret, refreshToken, now: () => NOW });
const microsoft = (refreshToken: string) =>
  refreshAccessToken({ tokenUrl: `${ms.loginBaseUrl}/common/oauth2/v2.0/token`, clientId: ms.clientId, clientSecret: ms.clientSecret, refreshToken, scope: MS_SCOPES, now: () => NOW });

describe('refreshAccessToken', () => {
  it('gets a new Google access token; Google keeps the refresh token, so none comes back', async () => {
    const { refreshToken } = g.issueTokens('a@gmail.test');
    const r = await google(refreshToken);
    expect(r).toEqual({ ok: true, accessToken: expect.stringMatching(/^ya29\./), expiresAt: new Date(NOW + 3599_000), scopes: ['openid', 'email', 'https://www.googleapis.com/auth/gmail.send', 'https://www.googleapis.com/auth/gmail.readonly'] });
    const form = new URLSearchParams(g.state.requests.at(-1)!.body);
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: g.clientId, client_secret: g.clientSecret });
  });

  it('returns the rotated Microsoft refresh token and sends the scopes', async () => {
    const { refreshToken } = ms.issueTokens('a@contoso.test');
    const r = await microsoft(refreshToken);
    expect(r.ok && r.refreshToken).toEqual(expect.any(String));
    expect(r.ok && r.refreshToken).not.toBe(refreshToken);
    expect(new URLSearchParams(ms.state.requests.at(-1)!.body).get('scope')).toBe(MS_SCOPES);
  });

  it('calls a revoked grant auth, without the token in the message', async () => {
    const gTokens = g.issueTokens('b@gmail.test');
    g.revokeRefreshToken(gTokens.refreshToken);
    const gr = await google(gTokens.refreshToken);
    expect(gr).toEqual({ ok: false, kind: 'auth', code: 'invalid_grant', message: 'token refresh refused (HTTP 400 invalid_grant): Token has been expired or revoked.' });

    const mTokens = ms.issueTokens('b@contoso.test');
    ms.revokeRefreshToken(mTokens.refreshToken);
    const mr = await microsoft(mTokens.refreshToken);
    expect(mr).toMatchObject({ ok: false, kind: 'auth', code: 'invalid_grant', message: expect.stringContaining('AADSTS70000') });
    expect(JSON.stringify([gr, mr])).not.toContain(gTokens.refreshToken);
    expect(JSON.stringify(mr)).not.toContain(mTokens.refreshToken);
  });

  it('calls a wrong client secret auth too: asking again will not help', async () => {
    const { refreshToken } = g.issueTokens('c@gmail.test');
    expect(await google(refreshToken, { clientSecret: 'wrong' })).toMatchObject({ ok: false, kind: 'auth', code: 'invalid_client' });
  });

  it('calls an unreachable or overloaded endpoint transient, with its Retry-After', async () => {
    const port = (down.address() as AddressInfo).port;
    const busy = await refreshAccessToken({ tokenUrl: `http://127.0.0.1:${port}/token`, clientId: 'x', clientSecret: 'y', refreshToken: 'z' });
    expect(busy).toEqual({ ok: false, kind: 'transient', code: 'temporarily_unavailable', message: 'token refresh refused (HTTP 503 temporarily_unavailable)', retryAfterSeconds: 12 });
    const refused = await refreshAccessToken({ tokenUrl: `http://127.0.0.1:${await closedPort()}/token`, clientId: 'x', clientSecret: 'y', refreshToken: 'z' });
    expect(refused).toEqual({ ok: false, kind: 'transient', code: 'network', message: 'token endpoint unreachable: ECONNREFUSED' });
  });
});
