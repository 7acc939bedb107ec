import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { FakeFacebook } from '../fakes/facebook.js';
import type { TestClient } from './client.js';

export const VERIFY_TOKEN = 'verify-token-for-tests';

/** Settings that point the Messenger channel at the fake Facebook. */
export const messengerEnv = (fb: FakeFacebook): Record<string, string> => ({
  FACEBOOK_APP_ID: fb.appId, FACEBOOK_APP_SECRET: fb.appSecret, FACEBOOK_VERIFY_TOKEN: VERIFY_TOKEN,
  FACEBOOK_GRAPH_URL: fb.graphUrl, FACEBOOK_OAUTH_URL: fb.oauthUrl, FACEBOOK_API_VERSION: 'v21.0',
});

/** The browser's round trip: our start → Facebook's Login dialog → our callback → the app's /pages. */
export async function connectPages(c: TestClient) {
  const start = await c.get('/api/v1/channels/facebook/oauth/start');
  expect(start.status, JSON.stringify(start.body)).toBe(200);
  const dialog = new URL(start.body.url);
  const consent = await fetch(dialog, { redirect: 'manual' });
  expect(consent.status, await consent.clone().text()).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  expect(back.pathname).toBe('/api/v1/channels/facebook/oauth/callback');
  const done = await c.get(back.pathname + back.search);
  expect(done.status).toBe(302);
  return { dialog, callback: back, result: new URL(String(done.headers.location)) };
}

/** POSTs a webhook delivery the way Facebook does: the exact bytes, signed with the app secret. */
export async function postWebhook(app: FastifyInstance, fb: FakeFacebook, payload: unknown, opts: { raw?: string; headers?: Record<string, string>; signWith?: string } = {}) {
  const raw = opts.raw ?? JSON.stringify(payload);
  const headers = { 'content-type': 'application/json', ...fb.sign(opts.signWith ?? raw), ...opts.headers };
  return app.inject({ method: 'POST', url: '/api/v1/webhooks/facebook', headers, payload: raw });
}
