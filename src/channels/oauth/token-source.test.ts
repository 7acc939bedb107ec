import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/helpers/closed-port.js';
import { startFakeGoogle, type FakeGoogle } from '../../../test/fakes/google.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../../../test/fakes/microsoft.js';
import { createTokenSource, type OAuthTokens } from './token-source.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
let clock = T0;
const now = () => clock;

describe('TokenSource with Google', () => {
  let g: FakeGoogle;
  const tokenCalls = () => g.state.requests.filter((r) => r.path === '/token').length;
  beforeEach(async () => {
    clock = T0;
    g = await startFakeGoogle({ now, accessTokenTtlSeconds: 300 });
  });
  afterEach(() => g.close());

  function source(over: { onTokens?: (t: OAuthTokens) => void; tokenUrl?: string } = {}) {
    const issued = g.issueTokens('a@gmail.test');
    const tokens = { accessToken: issued.accessToken, expiresAt: new Date(T0 + 300_000), refreshToken: issued.refreshToken };
    return { issued, src: createTokenSource({ tokenUrl: over.tokenUrl ?? `${g.oauthBaseUrl}/token`, clientId: g.clientId, clientSecret: g.clientSecret, tokens, onTokens: over.onTokens, now }) };
  }

  it('uses the stored token while fresh and refreshes it 60 s before expiry', async () => {
    const seen: OAuthTokens[] = [];
    const { issued, src } = source({ onTokens: (t) => void seen.push(t) });
    clock = T0 + 239_000; // 61 s left
    expect(await src.getAccessToken()).toEqual({ ok: true, accessToken: issued.accessToken });
    expect(tokenCalls()).toBe(0);

    clock = T0 + 241_000; // 59 s left: refresh now, not after a 401
    const r = await src.getAccessToken();
    expect(r.ok && r.accessToken).not.toBe(issued.accessToken);
    expect(tokenCalls()).toBe(1);
    expect(seen).toEqual([{ accessToken: r.ok && r.accessToken, expiresAt: new Date(clock + 300_000), refreshToken: issued.refreshToken, scopes: expect.arrayContaining(['https://www.googleapis.com/auth/gmail.send']) }]);
    expect(src.scopes).toContain('https://www.googleapis.com/auth/gmail.readonly');
  });

  it('shares one refresh between concurrent callers', async () => {
    const { src } = source();
    clock = T0 + 400_000; // expired
    const results = await Promise.all(Array.from({ length: 5 }, () => src.getAccessToken()));
    expect(tokenCalls()).toBe(1);
    expect(new Set(results.map((r) => r.ok && r.accessToken)).size).toBe(1);
  });

  it('refreshes once after a 401, however many calls saw the same rejected token', async () => {
    const { issued, src } = source();
    const [a, b] = await Promise.all([src.refreshAfterRejection(issued.accessToken), src.refreshAfterRejection(issued.accessToken)]);
    expect(tokenCalls()).toBe(1);
    expect(a).toEqual(b);
    // A call that still held the old token gets the new one without another refresh.
    expect(await src.refreshAfterRejection(issued.accessToken)).toEqual(a);
    expect(tokenCalls()).toBe(1);
  });

  it('keeps answering auth for a revoked grant without asking Google again', async () => {
    const { issued, src } = source();
    g.revokeRefreshToken(issued.refreshToken);
    clock = T0 + 400_000;
    for (let i = 0; i < 3; i++) expect(await src.getAccessToken()).toMatchObject({ ok: false, kind: 'auth', code: 'invalid_grant' });
    expect(await src.refreshAfterRejection(issued.accessToken)).toMatchObject({ ok: false, kind: 'auth' });
    expect(tokenCalls()).toBe(1);
  });

  it('keeps using a still-valid token when an early refresh fails for a passing reason', async () => {
    const { issued, src } = source({ tokenUrl: `http://127.0.0.1:${await closedPort()}/token` });
    clock = T0 + 270_000; // 30 s left: due for refresh, which cannot reach the endpoint
    expect(await src.getAccessToken()).toEqual({ ok: true, accessToken: issued.accessToken });
    clock = T0 + 301_000; // now really expired: the failure shows
    expect(await src.getAccessToken()).toMatchObject({ ok: false, kind: 'transient', code: 'network', message: 'token endpoint unreachable: ECONNREFUSED' });
  });

  it('surfaces a failing onTokens (the caller could not store the new tokens)', async () => {
    const { src } = source({ onTokens: () => { throw new Error('disk full'); } });
    clock = T0 + 400_000;
    await expect(src.getAccessToken()).rejects.toThrow('disk full');
  });
});

describe('TokenSource with Microsoft', () => {
  let ms: FakeMicrosoft;
  beforeEach(async () => {
    clock = T0;
    ms = await startFakeMicrosoft({ now, accessTokenTtlSeconds: 300 });
  });
  afterEach(() => ms.close());

  it('hands each rotated refresh token to onTokens and refreshes with the newest', async () => {
    const issued = ms.issueTokens('a@contoso.test');
    const seen: OAuthTokens[] = [];
    const src = createTokenSource({
      tokenUrl: `${ms.loginBaseUrl}/common/oauth2/v2.0/token`, clientId: ms.clientId, clientSecret: ms.clientSecret, scope: 'offline_access Mail.Send Mail.Read',
      tokens: { accessToken: issued.accessToken, expiresAt: new Date(T0 + 300_000), refreshToken: issued.refreshToken }, onTokens: (t) => void seen.push(t), now,
    });
    clock += 250_000;
    await src.getAccessToken();
    clock += 300_000;
    await src.getAccessToken();
    expect(seen).toHaveLength(2);
    expect(seen[0]!.refreshToken).not.toBe(issued.refreshToken);
    expect(seen[1]!.refreshToken).not.toBe(seen[0]!.refreshToken);
    const used = ms.state.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).map((r) => new URLSearchParams(r.body).get('refresh_token'));
    expect(used).toEqual([issued.refreshToken, seen[0]!.refreshToken]);
  });
});
