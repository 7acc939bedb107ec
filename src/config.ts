import { parseSentryDsn } from './lib/error-reporter.js';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Every setting the process reads from the environment, in one typed object (each variable is described in config-variables.ts). */
export interface OAuthProviderConfig {
  clientId: string;
  clientSecret: string;
  authUrl: string;
  tokenUrl: string;
  /** Gmail API base (Google) or Graph base (Microsoft). */
  apiBaseUrl: string;
  /** Where the signed-in mailbox's address is read (Google userinfo; Graph /v1.0/me). */
  userInfoUrl: string;
}

/** The Facebook app behind the Messenger channel; null when FACEBOOK_APP_ID / _SECRET are not set. */
export interface FacebookConfig {
  appId: string;
  appSecret: string;
  /** What Facebook echoes back when it verifies the webhook; null until set (verification is refused). */
  verifyToken: string | null;
  /** Graph API host (tests point it at test/fakes/facebook.ts) and the pinned version, e.g. v21.0. */
  graphUrl: string;
  apiVersion: string;
  /** Where the Facebook Login dialog lives. */
  oauthUrl: string;
}

/** What one plan allows; null = no limit. Messages count email and Messenger sends per calendar month (UTC). */
export interface PlanLimits {
  messagesPerMonth: number | null;
  senders: number | null;
  pages: number | null;
  contacts: number | null;
  seats: number | null;
}

export interface Plan {
  key: string;
  name: string;
  /** Stripe price id (recurring); null for the free plan, which is never bought. */
  priceId: string | null;
  limits: PlanLimits;
}

/** Stripe billing (hosted edition); null when STRIPE_SECRET_KEY is unset: a self-hosted instance without limits. */
export interface BillingConfig {
  secretKey: string;
  /** Verifies POST /api/v1/webhooks/stripe; required in production. */
  webhookSecret: string | null;
  /** Where the SDK sends API calls (tests point it at test/fakes/stripe.ts); null = api.stripe.com. */
  api: { host: string; port: number; protocol: 'http' | 'https' } | null;
  /** Every plan, the free one first. */
  plans: Plan[];
  /** Workspaces without a live subscription, and those whose grace period ran out, get these limits. */
  freePlan: Plan;
  /** After a failed payment the paid limits hold this long. */
  graceDays: number;
}

export interface Config {
  env: 'production' | 'development' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  dataDirExplicit: boolean;
  databaseUrl: string | null;
  redisUrl: string | null;
  corsOrigins: string[];
  smtpUrl: string | null;
  mailFrom: string;
  metricsToken: string | null;
  /** A worker's own /metrics and /health port (it has no API); null = none. */
  metricsPort: number | null;
  /** Optional Sentry DSN: error log lines are also reported there (lib/error-reporter.ts). */
  sentryDsn: string | null;
  logLevel: string;
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  /** Fastify trustProxy: true, a hop count, or a list of addresses/CIDRs. */
  trustProxy: boolean | number | string;
  /** DNS servers (host:port) for domain checks; empty = the system resolver. */
  dnsServers: string[];
  /** OAuth apps for Gmail and Microsoft 365; null when not configured. Endpoints are settings so tests use fakes. */
  oauth: { google: OAuthProviderConfig | null; microsoft: OAuthProviderConfig | null };
  /** Facebook Messenger channel; null when not configured (its routes then answer 503). */
  facebook: FacebookConfig | null;
  /** Stripe billing and plan limits; null = self-hosted (no limits, no billing routes). */
  billing: BillingConfig | null;
  /** The sending engine's knobs (see engine/dispatcher.ts). */
  engine: { batchSize: number; concurrency: number; leaseSeconds: number; idleMs: number };
  migrateOnStart: boolean;
  secrets: Secrets;
  secretsSource: 'env' | 'data-dir';
}

export interface Secrets {
  accessTokenSecret: string;
  refreshTokenSecret: string;
  /** AES-256-GCM keys by id; `encryptionKeyId` is the one new ciphertexts use. */
  encryptionKeys: Record<string, string>;
  encryptionKeyId: string;
}

type Env = Record<string, string | undefined>;

const PLACEHOLDER_PATTERNS = [/change[-_ ]?(it|me|this|in[-_ ]?production)/i, /your[-_ ]?super[-_ ]?secret/i, /^secret$/i, /^password$/i, /^changeme$/i, /example/i, /placeholder/i, /^x+$/i];
const MIN_SECRET_BYTES = 32;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not safe to start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

function int(name: string, value: string | undefined, fallback: number, problems: string[]): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    problems.push(`${name} must be a non-negative integer (got "${value}")`);
    return fallback;
  }
  return n;
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (!value) return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value;
}

function googleConfig(env: Env): OAuthProviderConfig | null {
  if (!env.GOOGLE_CLIENT_ID || !env.GOOGLE_CLIENT_SECRET) return null;
  return {
    clientId: env.GOOGLE_CLIENT_ID,
    clientSecret: env.GOOGLE_CLIENT_SECRET,
    authUrl: env.GOOGLE_AUTH_URL || 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: env.GOOGLE_TOKEN_URL || 'https://oauth2.googleapis.com/token',
    apiBaseUrl: (env.GOOGLE_API_BASE_URL || 'https://gmail.googleapis.com').replace(/\/$/, ''),
    userInfoUrl: env.GOOGLE_USERINFO_URL || 'https://www.googleapis.com/oauth2/v2/userinfo',
  };
}

function microsoftConfig(env: Env): OAuthProviderConfig | null {
  if (!env.MICROSOFT_CLIENT_ID || !env.MICROSOFT_CLIENT_SECRET) return null;
  const login = (env.MICROSOFT_LOGIN_BASE_URL || 'https://login.microsoftonline.com').replace(/\/$/, '');
  const tenant = env.MICROSOFT_TENANT || 'common';
  const graph = (env.MICROSOFT_GRAPH_BASE_URL || 'https://graph.microsoft.com').replace(/\/$/, '');
  return {
    clientId: env.MICROSOFT_CLIENT_ID,
    clientSecret: env.MICROSOFT_CLIENT_SECRET,
    authUrl: `${login}/${tenant}/oauth2/v2.0/authorize`,
    tokenUrl: `${login}/${tenant}/oauth2/v2.0/token`,
    apiBaseUrl: graph,
    userInfoUrl: `${graph}/v1.0/me`,
  };
}

function facebookConfig(env: Env, problems: string[]): FacebookConfig | null {
  const apiVersion = env.FACEBOOK_API_VERSION || 'v21.0';
  if (!/^v\d+\.\d+$/.test(apiVersion)) problems.push(`FACEBOOK_API_VERSION must look like v21.0 (got "${apiVersion}")`);
  if (Boolean(env.FACEBOOK_APP_ID) !== Boolean(env.FACEBOOK_APP_SECRET)) problems.push('set both FACEBOOK_APP_ID and FACEBOOK_APP_SECRET, or neither');
  if (!env.FACEBOOK_APP_ID || !env.FACEBOOK_APP_SECRET) return null;
  return {
    appId: env.FACEBOOK_APP_ID,
    appSecret: env.FACEBOOK_APP_SECRET,
    verifyToken: env.FACEBOOK_VERIFY_TOKEN || null,
    graphUrl: (env.FACEBOOK_GRAPH_URL || 'https://graph.facebook.com').replace(/\/$/, ''),
    apiVersion,
    oauthUrl: (env.FACEBOOK_OAUTH_URL || 'https://www.facebook.com').replace(/\/$/, ''),
  };
}

const LIMIT_KEYS = ['messagesPerMonth', 'senders', 'pages', 'contacts', 'seats'] as const;

/** Plans when BILLING_PLANS is unset: Free plus every paid plan whose STRIPE_PRICE_<KEY> is set. */
const DEFAULT_PLANS: Omit<Plan, 'priceId'>[] = [
  { key: 'free', name: 'Free', limits: { messagesPerMonth: 500, senders: 1, pages: 1, contacts: 500, seats: 1 } },
  { key: 'starter', name: 'Starter', limits: { messagesPerMonth: 10_000, senders: 3, pages: 2, contacts: 5_000, seats: 3 } },
  { key: 'pro', name: 'Pro', limits: { messagesPerMonth: 50_000, senders: 10, pages: 5, contacts: 50_000, seats: 10 } },
  { key: 'agency', name: 'Agency', limits: { messagesPerMonth: 250_000, senders: 50, pages: 25, contacts: 250_000, seats: 50 } },
];

/** A paid plan's Stripe price: STRIPE_PRICE_STARTER for the plan "starter", and so on. */
const priceEnv = (key: string) => `STRIPE_PRICE_${key.toUpperCase().replace(/-/g, '_')}`;

/**
 * BILLING_PLANS: a JSON array of { key, name, priceId?, limits: { messagesPerMonth, senders,
 * pages, contacts, seats } } (a limit of null = unlimited). `"priceId": null` marks the free plan;
 * a plan without priceId takes STRIPE_PRICE_<KEY>.
 */
function parsePlans(env: Env, problems: string[]): Plan[] {
  if (!env.BILLING_PLANS) {
    return DEFAULT_PLANS.flatMap((p): Plan[] => {
      if (p.key === 'free') return [{ ...p, priceId: null }];
      const priceId = env[priceEnv(p.key)] || null;
      return priceId ? [{ ...p, priceId }] : [];
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(env.BILLING_PLANS);
  } catch {
    problems.push('BILLING_PLANS must be a JSON array of plans');
    return [];
  }
  const plans: Plan[] = [];
  for (const [i, item] of (Array.isArray(raw) ? raw : [null]).entries()) {
    const p = item as Partial<Plan> | null;
    const limits = (p?.limits ?? {}) as Record<string, unknown>;
    const badLimit = LIMIT_KEYS.find((k) => limits[k] !== null && !(Number.isInteger(limits[k]) && (limits[k] as number) >= 0));
    if (!p || typeof p.key !== 'string' || !/^[a-z0-9_-]{1,32}$/.test(p.key) || typeof p.name !== 'string' || !p.name || (p.priceId != null && typeof p.priceId !== 'string') || badLimit) {
      problems.push(`BILLING_PLANS[${i}] must be { key (a-z0-9_-), name, priceId (optional; null for the free plan), limits: { ${LIMIT_KEYS.join(', ')} } } with each limit a non-negative integer or null${badLimit ? ` (${badLimit} is not)` : ''}`);
      continue;
    }
    const priceId = p.priceId === undefined ? env[priceEnv(p.key)] || undefined : p.priceId;
    if (priceId === undefined) {
      problems.push(`billing plan "${p.key}" has no Stripe price: set ${priceEnv(p.key)}, or "priceId" in BILLING_PLANS (null for the free plan)`);
      continue;
    }
    plans.push({ key: p.key, name: p.name, priceId, limits: Object.fromEntries(LIMIT_KEYS.map((k) => [k, limits[k] as number | null])) as unknown as PlanLimits });
  }
  if (new Set(plans.map((p) => p.key)).size !== plans.length) problems.push('BILLING_PLANS has two plans with the same key');
  return plans;
}

function billingConfig(env: Env, production: boolean, problems: string[]): BillingConfig | null {
  if (!env.STRIPE_SECRET_KEY) return null;
  if (!/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/.test(env.STRIPE_SECRET_KEY)) problems.push('STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_live_… / sk_test_… / rk_…)');
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET || null;
  if (production && !webhookSecret) problems.push('STRIPE_WEBHOOK_SECRET is missing: with STRIPE_SECRET_KEY set, Stripe webhooks must be verified (copy the signing secret whsec_… of the endpoint $PUBLIC_URL/api/v1/webhooks/stripe)');
  let api: BillingConfig['api'] = null;
  if (env.STRIPE_API_BASE) {
    try {
      const url = new URL(env.STRIPE_API_BASE);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
      const protocol = url.protocol === 'http:' ? 'http' : 'https';
      api = { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
    } catch {
      problems.push(`STRIPE_API_BASE must be an http(s) URL like https://api.stripe.com (got "${env.STRIPE_API_BASE}")`);
    }
  }
  const plans = parsePlans(env, problems);
  const free = plans.filter((p) => p.priceId === null);
  if (plans.length && free.length !== 1) problems.push('exactly one billing plan must have no Stripe price (the free plan workspaces fall back to)');
  if (new Set(plans.flatMap((p) => (p.priceId ? [p.priceId] : []))).size !== plans.filter((p) => p.priceId).length) problems.push('two billing plans share a Stripe price id');
  if (production && plans.length && plans.every((p) => !p.priceId)) problems.push('no paid plan has a Stripe price: set STRIPE_PRICE_STARTER, STRIPE_PRICE_PRO, STRIPE_PRICE_AGENCY or BILLING_PLANS');
  const freePlan = free[0] ?? { ...DEFAULT_PLANS[0]!, priceId: null };
  return {
    secretKey: env.STRIPE_SECRET_KEY, webhookSecret, api,
    plans: [freePlan, ...plans.filter((p) => p !== freePlan)],
    freePlan,
    graceDays: int('BILLING_GRACE_DAYS', env.BILLING_GRACE_DAYS, 7, problems),
  };
}

/** Loopback and wildcard binds are reached as localhost from the same machine. */
export const browsableHost = (host: string) => (['0.0.0.0', '::', '127.0.0.1', '::1'].includes(host) ? 'localhost' : host);

/** Checks one secret; returns a problem sentence or null. */
export function secretProblem(name: string, value: string | undefined): string | null {
  if (!value) return `${name} is missing`;
  if (PLACEHOLDER_PATTERNS.some((p) => p.test(value))) return `${name} is a placeholder value; generate one with \`openssl rand -base64 48\``;
  if (Buffer.byteLength(value) < MIN_SECRET_BYTES) return `${name} is shorter than ${MIN_SECRET_BYTES} bytes`;
  return null;
}

/** ENCRYPTION_KEYS="k1:base64key,k2:base64key" (newest used for writes is ENCRYPTION_KEY_ID, default the last). */
function parseEncryptionKeys(raw: string | undefined, problems: string[]): Record<string, string> {
  const keys: Record<string, string> = {};
  if (!raw) return keys;
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const idx = part.indexOf(':');
    const id = idx > 0 ? part.slice(0, idx) : '';
    const key = idx > 0 ? part.slice(idx + 1) : '';
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id) || Buffer.from(key, 'base64').length !== 32) {
      problems.push('ENCRYPTION_KEYS must be a comma-separated list of id:base64 entries, each key exactly 32 bytes');
      continue;
    }
    keys[id] = key;
  }
  return keys;
}

function secretsFromEnv(env: Env, problems: string[]): Secrets | null {
  const access = env.JWT_ACCESS_SECRET || env.JWT_SECRET;
  const refresh = env.JWT_REFRESH_SECRET || undefined;
  const p1 = secretProblem(env.JWT_ACCESS_SECRET ? 'JWT_ACCESS_SECRET' : 'JWT_SECRET (or JWT_ACCESS_SECRET)', access);
  const p2 = secretProblem('JWT_REFRESH_SECRET', refresh);
  if (p1) problems.push(p1);
  if (p2) problems.push(p2);
  if (access && refresh && access === refresh) problems.push('JWT_ACCESS_SECRET and JWT_REFRESH_SECRET must differ');
  const keys = parseEncryptionKeys(env.ENCRYPTION_KEYS, problems);
  const ids = Object.keys(keys);
  if (ids.length === 0 && !problems.some((p) => p.startsWith('ENCRYPTION_KEYS'))) problems.push('ENCRYPTION_KEYS is missing (format id:base64-32-bytes, e.g. k1:$(openssl rand -base64 32))');
  const keyId = env.ENCRYPTION_KEY_ID ?? ids[ids.length - 1] ?? '';
  if (ids.length && !keys[keyId]) problems.push(`ENCRYPTION_KEY_ID "${keyId}" is not in ENCRYPTION_KEYS`);
  if (!access || !refresh || ids.length === 0) return null;
  return { accessTokenSecret: access, refreshTokenSecret: refresh, encryptionKeys: keys, encryptionKeyId: keyId };
}

export const SECRETS_FILE = 'secrets.json';

/** Outside production the first start writes fresh secrets into the data dir (0600); later starts reuse them. */
export function loadOrCreateDataDirSecrets(dataDir: string): Secrets {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SECRETS_FILE);
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return JSON.parse(readFileSync(file, 'utf8')) as Secrets;
  }
  const secrets: Secrets = {
    accessTokenSecret: randomBytes(48).toString('base64url'),
    refreshTokenSecret: randomBytes(48).toString('base64url'),
    encryptionKeys: { k1: randomBytes(32).toString('base64') },
    encryptionKeyId: 'k1',
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  return secrets;
}

/**
 * Reads the environment into one Config. In production every problem is collected and thrown
 * together so an operator fixes them in one pass.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const production = nodeEnv === 'production';
  const port = int('PORT', env.PORT, 3000, problems);
  const host = env.HOST || (production ? '0.0.0.0' : '127.0.0.1');
  const dataDirExplicit = Boolean(env.DATA_DIR);
  const dataDir = resolve(env.DATA_DIR || './data');
  const databaseUrl = env.DATABASE_URL || null;
  const corsOrigins = (env.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const publicUrl = (env.PUBLIC_URL || `http://${browsableHost(host)}:${port}`).replace(/\/$/, '');

  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  if (env.REDIS_URL && !/^rediss?:\/\//.test(env.REDIS_URL)) problems.push('REDIS_URL must start with redis:// or rediss://');
  if (env.SENTRY_DSN && !parseSentryDsn(env.SENTRY_DSN)) problems.push('SENTRY_DSN is not a Sentry DSN like https://<key>@o0.ingest.sentry.io/<project id>');
  if (env.SMTP_URL && !/^smtps?:\/\//.test(env.SMTP_URL)) problems.push('SMTP_URL must start with smtp:// or smtps://');
  for (const origin of corsOrigins) {
    if (origin === '*' || origin.includes('*')) {
      if (production) problems.push('CORS_ORIGINS must list exact origins in production; a wildcard is not allowed');
    } else if (!/^https?:\/\/[^/]+$/.test(origin)) problems.push(`CORS_ORIGINS entry "${origin}" is not an origin like https://app.example.com`);
  }

  const facebook = facebookConfig(env, problems);
  const billing = billingConfig(env, production, problems);
  const engine = {
    batchSize: Math.max(1, int('ENGINE_BATCH_SIZE', env.ENGINE_BATCH_SIZE, 100, problems)),
    concurrency: Math.max(1, int('ENGINE_CONCURRENCY', env.ENGINE_CONCURRENCY, 16, problems)),
    leaseSeconds: Math.max(1, int('ENGINE_LEASE_SECONDS', env.ENGINE_LEASE_SECONDS, 300, problems)),
    idleMs: Math.max(10, int('ENGINE_IDLE_MS', env.ENGINE_IDLE_MS, 250, problems)),
  };

  let secrets: Secrets | null = null;
  let secretsSource: Config['secretsSource'] = 'env';
  if (production) {
    secrets = secretsFromEnv(env, problems);
    if (!databaseUrl && !dataDirExplicit) problems.push('set DATABASE_URL (PostgreSQL) or an explicit DATA_DIR for the embedded database');
    if (!env.PUBLIC_URL) problems.push('PUBLIC_URL is missing (the https:// address users and tracking links reach)');
    if (env.METRICS_TOKEN !== undefined && env.METRICS_TOKEN !== '' && env.METRICS_TOKEN.length < 16) problems.push('METRICS_TOKEN is shorter than 16 characters');
  } else if (env.JWT_ACCESS_SECRET || env.JWT_SECRET) {
    secrets = secretsFromEnv(env, problems);
  }
  if (problems.length) throw new ConfigError(problems);
  if (!secrets) {
    secretsSource = 'data-dir';
    secrets = loadOrCreateDataDirSecrets(dataDir);
  }

  return {
    env: nodeEnv,
    host,
    port,
    publicUrl,
    dataDir,
    dataDirExplicit,
    databaseUrl,
    redisUrl: env.REDIS_URL || null,
    corsOrigins,
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.MAIL_FROM || 'MessageSender <no-reply@localhost>',
    metricsToken: env.METRICS_TOKEN || null,
    sentryDsn: env.SENTRY_DSN || null,
    metricsPort: env.METRICS_PORT ? int('METRICS_PORT', env.METRICS_PORT, 0, []) || null : null,
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', env.BODY_LIMIT_BYTES, 1024 * 1024, []),
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', env.SHUTDOWN_TIMEOUT_MS, 15000, []),
    migrateOnStart: bool(env.MIGRATE_ON_START, true),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    dnsServers: (env.DNS_SERVERS ?? '').split(',').map((x) => x.trim()).filter(Boolean),
    oauth: { google: googleConfig(env), microsoft: microsoftConfig(env) },
    facebook,
    billing,
    engine,
    secrets,
    secretsSource,
  };
}
