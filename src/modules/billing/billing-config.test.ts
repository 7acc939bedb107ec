import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../config.js';

const dev = () => ({ NODE_ENV: 'test', DATA_DIR: mkdtempSync(join(tmpdir(), 'ms-billing-cfg-')) });
const production = {
  NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db:5432/app', PUBLIC_URL: 'https://mail.example.org',
  JWT_ACCESS_SECRET: 'Kq7w' + 'a'.repeat(48), JWT_REFRESH_SECRET: 'Zr9p' + 'b'.repeat(48), ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('billing configuration', () => {
  it('is off without STRIPE_SECRET_KEY, whatever else is set', () => {
    expect(loadConfig({ ...dev(), STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_PRICE_PRO: 'price_pro' }).billing).toBeNull();
    expect(problemsOf(production)).toEqual([]);
  });

  it('a production start with a key but no webhook secret fails with a clear message', () => {
    const problems = problemsOf({ ...production, STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_PRICE_PRO: 'price_pro' });
    expect(problems).toEqual([expect.stringMatching(/^STRIPE_WEBHOOK_SECRET is missing: with STRIPE_SECRET_KEY set, Stripe webhooks must be verified/)]);
    expect(problemsOf({ ...production, STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_abc', STRIPE_PRICE_PRO: 'price_pro' })).toEqual([]);
    // Outside production the app starts; the webhook answers 503 until the secret is set.
    expect(loadConfig({ ...dev(), STRIPE_SECRET_KEY: 'sk_test_abc123' }).billing!.webhookSecret).toBeNull();
    expect(problemsOf({ ...production, STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_abc' })).toEqual([expect.stringMatching(/no paid plan has a Stripe price/)]);
    expect(problemsOf({ ...dev(), STRIPE_SECRET_KEY: 'pk_live_publishable' })).toEqual([expect.stringMatching(/STRIPE_SECRET_KEY must be a Stripe secret or restricted key/)]);
  });

  it('offers Free plus each default paid plan whose price is set, and points the SDK at STRIPE_API_BASE', () => {
    const billing = loadConfig({ ...dev(), STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_PRICE_STARTER: 'price_s', STRIPE_PRICE_AGENCY: 'price_a', STRIPE_API_BASE: 'http://127.0.0.1:12111' }).billing!;
    expect(billing.plans.map((p) => [p.key, p.priceId])).toEqual([['free', null], ['starter', 'price_s'], ['agency', 'price_a']]);
    expect(billing.freePlan.limits).toEqual({ messagesPerMonth: 500, senders: 1, pages: 1, contacts: 500, seats: 1 });
    expect(billing.api).toEqual({ host: '127.0.0.1', port: 12111, protocol: 'http' });
    expect(billing.graceDays).toBe(7);
    expect(loadConfig({ ...dev(), STRIPE_SECRET_KEY: 'sk_test_abc123' }).billing!.api).toBeNull();
  });

  it('reads BILLING_PLANS, taking STRIPE_PRICE_<KEY> for plans without a price, and names every mistake', () => {
    const plans = JSON.stringify([
      { key: 'trial', name: 'Trial', priceId: null, limits: { messagesPerMonth: 50, senders: 1, pages: 0, contacts: 100, seats: 1 } },
      { key: 'team', name: 'Team', limits: { messagesPerMonth: null, senders: 5, pages: 5, contacts: null, seats: 5 } },
    ]);
    const billing = loadConfig({ ...dev(), STRIPE_SECRET_KEY: 'sk_test_abc123', BILLING_PLANS: plans, STRIPE_PRICE_TEAM: 'price_team' }).billing!;
    expect(billing.freePlan.key).toBe('trial');
    expect(billing.plans[1]).toEqual({ key: 'team', name: 'Team', priceId: 'price_team', limits: { messagesPerMonth: null, senders: 5, pages: 5, contacts: null, seats: 5 } });

    const text = problemsOf({
      ...dev(), STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_API_BASE: 'ftp://stripe', BILLING_GRACE_DAYS: 'soon',
      BILLING_PLANS: JSON.stringify([
        { key: 'a', name: 'A', priceId: null, limits: { messagesPerMonth: 1, senders: 1, pages: 1, contacts: 1, seats: 1 } },
        { key: 'b', name: 'B', priceId: null, limits: { messagesPerMonth: 1, senders: 1, pages: 1, contacts: 1, seats: 1 } },
        { key: 'c', name: 'C', limits: { messagesPerMonth: 1, senders: 1, pages: 1, contacts: 1, seats: 1 } },
        { key: 'd', name: 'D', priceId: 'price_d', limits: { messagesPerMonth: -1, senders: 1, pages: 1, contacts: 1, seats: 1 } },
      ]),
    }).join('\n');
    expect(text).toMatch(/STRIPE_API_BASE must be an http\(s\) URL/);
    expect(text).toMatch(/BILLING_GRACE_DAYS must be a non-negative integer/);
    expect(text).toMatch(/billing plan "c" has no Stripe price: set STRIPE_PRICE_C/);
    expect(text).toMatch(/BILLING_PLANS\[3\].*\(messagesPerMonth is not\)/);
    expect(text).toMatch(/exactly one billing plan must have no Stripe price/);
    expect(problemsOf({ ...dev(), STRIPE_SECRET_KEY: 'sk_test_abc123', BILLING_PLANS: '{not json' })).toEqual(['BILLING_PLANS must be a JSON array of plans']);
  });
});
