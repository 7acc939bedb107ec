/**
 * Every environment variable `loadConfig` (src/config.ts) reads, with what it does. This list is
 * the single source of docs/CONFIGURATION.md (`npm run docs:config`); a test fails when config.ts
 * reads a variable that is missing here, or when the generated document is out of date.
 */
export interface ConfigVariable {
  name: string;
  group: ConfigGroup;
  description: string;
  /** What applies when the variable is unset ('' = nothing / feature off). */
  default: string;
  /** Must be set when NODE_ENV=production (the process refuses to start otherwise). */
  requiredInProduction?: boolean;
  /** Holds a secret: keep it in an env file or a secret store, never in an image or a repository. */
  secret?: boolean;
  /** A value that passes validation (used in the documentation and by the tests). */
  example: string;
}

export type ConfigGroup = 'Server' | 'Database' | 'Secrets' | 'Email' | 'Sending engine' | 'Operations' | 'Gmail and Microsoft 365' | 'Facebook Messenger' | 'Billing (Stripe)';

export const CONFIG_GROUPS: ConfigGroup[] = ['Server', 'Database', 'Secrets', 'Email', 'Sending engine', 'Operations', 'Gmail and Microsoft 365', 'Facebook Messenger', 'Billing (Stripe)'];

export const CONFIG_VARIABLES: ConfigVariable[] = [
  // Server
  { name: 'NODE_ENV', group: 'Server', default: 'development', example: 'production', description: '`production` turns on the start-up guardrails (secrets from the environment, PUBLIC_URL, a database), secure cookies, HSTS and `0.0.0.0` as the default bind address.' },
  { name: 'HOST', group: 'Server', default: '127.0.0.1 (0.0.0.0 in production)', example: '0.0.0.0', description: 'Address the HTTP server binds to.' },
  { name: 'PORT', group: 'Server', default: '3000', example: '3000', description: 'HTTP port (`0` picks a free one).' },
  { name: 'PUBLIC_URL', group: 'Server', default: 'http://localhost:$PORT', requiredInProduction: true, example: 'https://outreach.example.com', description: 'The https:// address users, OAuth redirects, unsubscribe and tracking links reach. Workspaces may override the tracking host with their own tracking domain.' },
  { name: 'CORS_ORIGINS', group: 'Server', default: '', example: 'https://app.example.com', description: 'Comma-separated exact origins allowed to call the API from a browser on another origin. Wildcards are refused in production.' },
  { name: 'TRUST_PROXY', group: 'Server', default: 'false', example: '1', description: 'Fastify `trustProxy`: `true`, a hop count (`1` behind one nginx) or addresses/CIDRs. Needed for real client addresses in rate limits and logs behind a proxy.' },
  { name: 'BODY_LIMIT_BYTES', group: 'Server', default: '1048576', example: '1048576', description: 'Largest JSON request body. CSV uploads stream and have their own limit.' },
  { name: 'REDIS_URL', group: 'Server', default: '', example: 'redis://redis:6379', description: 'Shares rate-limit counters between API instances (redis:// or rediss://). Without it each instance counts on its own.' },
  { name: 'SHUTDOWN_TIMEOUT_MS', group: 'Server', default: '15000', example: '15000', description: 'How long SIGTERM waits for requests, the send round in hand and jobs before the process exits anyway.' },
  // Database
  { name: 'DATABASE_URL', group: 'Database', default: '', example: 'postgres://messagesender:password@postgres:5432/messagesender', secret: true, description: 'PostgreSQL connection (postgres:// or postgresql://). Unset: the embedded PGlite database in DATA_DIR, single process. `serve` and `worker` need it. In production set it or an explicit DATA_DIR.' },
  { name: 'DATA_DIR', group: 'Database', default: './data', example: '/var/lib/messagesender', description: 'Embedded database and generated development secrets. Locked by the process that opens it.' },
  { name: 'MIGRATE_ON_START', group: 'Database', default: 'true', example: 'true', description: 'Apply pending migrations when a process starts (under an advisory lock, so several processes may start at once). Set `false` when migrations run as a separate step (`messagesender migrate`, the Kubernetes Job).' },
  // Secrets
  { name: 'JWT_ACCESS_SECRET', group: 'Secrets', default: 'generated into DATA_DIR outside production', requiredInProduction: true, secret: true, example: 'Kq7wd0c8y9Xq3vLw2bT6mN1pR4sZ8uJ5hG7fE2aD9cB0', description: 'Signs the 15-minute access tokens. At least 32 bytes, not a placeholder: `openssl rand -base64 48`.' },
  { name: 'JWT_SECRET', group: 'Secrets', default: '', secret: true, example: 'Kq7wd0c8y9Xq3vLw2bT6mN1pR4sZ8uJ5hG7fE2aD9cB0', description: 'Older name of JWT_ACCESS_SECRET, read when that is unset.' },
  { name: 'JWT_REFRESH_SECRET', group: 'Secrets', default: 'generated into DATA_DIR outside production', requiredInProduction: true, secret: true, example: 'Zr9pX4tY7uI2oP5aS8dF1gH3jK6lZ9xC2vB5nM8qW1eR', description: 'HMAC key for stored refresh tokens; must differ from the access secret.' },
  { name: 'ENCRYPTION_KEYS', group: 'Secrets', default: 'generated into DATA_DIR outside production', requiredInProduction: true, secret: true, example: 'k1:BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=', description: 'AES-256-GCM keys for stored credentials and the tracking-link MAC: `id:base64-32-bytes` entries, comma-separated (`echo "k1:$(openssl rand -base64 32)"`). Keep retired keys listed while old links and ciphertexts must open.' },
  { name: 'ENCRYPTION_KEY_ID', group: 'Secrets', default: 'the last id in ENCRYPTION_KEYS', example: 'k1', description: 'Which key new ciphertexts and links use. After changing it run `messagesender rotate-key`.' },
  // Email
  { name: 'SMTP_URL', group: 'Email', default: '', secret: true, example: 'smtps://user:password@smtp.example.com:465', description: 'Server for system mail (verification, password reset, invites). Unset: those mails are logged instead of sent (development).' },
  { name: 'MAIL_FROM', group: 'Email', default: 'MessageSender <no-reply@localhost>', example: 'MessageSender <no-reply@example.com>', description: 'From address of system mail.' },
  { name: 'DNS_SERVERS', group: 'Email', default: 'the system resolver', example: '1.1.1.1:53,8.8.8.8:53', description: 'Resolvers (host:port, comma-separated) for SPF/DKIM/DMARC checks.' },
  // Sending engine
  { name: 'ENGINE_BATCH_SIZE', group: 'Sending engine', default: '100', example: '100', description: 'Messages a worker claims per transaction.' },
  { name: 'ENGINE_CONCURRENCY', group: 'Sending engine', default: '16', example: '16', description: 'Sends in flight at once per worker process.' },
  { name: 'ENGINE_LEASE_SECONDS', group: 'Sending engine', default: '300', example: '300', description: 'How long a claim belongs to its worker; after that a dead worker\'s messages are looked up at the provider and recovered or flagged uncertain.' },
  { name: 'ENGINE_IDLE_MS', group: 'Sending engine', default: '250', example: '250', description: 'Pause before the next claim when a round found nothing it could send now (nothing due, or due messages whose inboxes another worker holds).' },
  // Operations
  { name: 'LOG_LEVEL', group: 'Operations', default: 'info (silent in tests)', example: 'info', description: 'pino level: trace, debug, info, warn, error, fatal, silent. Logs are JSON lines on stdout (fields in docs/OPERATIONS.md).' },
  { name: 'METRICS_TOKEN', group: 'Operations', default: '', secret: true, example: 'metrics-token-0123456789abcdef', description: 'When set, `GET /metrics` needs `Authorization: Bearer <token>` (16 characters or more in production).' },
  { name: 'SENTRY_DSN', group: 'Operations', default: '', secret: true, example: 'https://publickey@o0.ingest.sentry.io/1', description: 'Optional: every error and fatal log line (already redacted) is also sent to this Sentry project as an event, without the Sentry SDK.' },
  { name: 'METRICS_PORT', group: 'Operations', default: '', example: '9464', description: 'A `worker` process has no API: with this set it serves `GET /metrics` and `GET /health` on this port (probes and Prometheus). Ignored by `serve`/`start`, whose API serves both.' },
  // OAuth
  { name: 'GOOGLE_CLIENT_ID', group: 'Gmail and Microsoft 365', default: '', example: '1234-abc.apps.googleusercontent.com', description: '"Connect Gmail": Google OAuth client. Redirect URI `$PUBLIC_URL/api/v1/senders/oauth/google/callback`.' },
  { name: 'GOOGLE_CLIENT_SECRET', group: 'Gmail and Microsoft 365', default: '', secret: true, example: 'GOCSPX-abcdefghijklmnop', description: 'Google OAuth client secret.' },
  { name: 'GOOGLE_AUTH_URL', group: 'Gmail and Microsoft 365', default: 'https://accounts.google.com/o/oauth2/v2/auth', example: 'https://accounts.google.com/o/oauth2/v2/auth', description: 'Google authorization endpoint (tests point it at a fake).' },
  { name: 'GOOGLE_TOKEN_URL', group: 'Gmail and Microsoft 365', default: 'https://oauth2.googleapis.com/token', example: 'https://oauth2.googleapis.com/token', description: 'Google token endpoint.' },
  { name: 'GOOGLE_API_BASE_URL', group: 'Gmail and Microsoft 365', default: 'https://gmail.googleapis.com', example: 'https://gmail.googleapis.com', description: 'Gmail API base.' },
  { name: 'GOOGLE_USERINFO_URL', group: 'Gmail and Microsoft 365', default: 'https://www.googleapis.com/oauth2/v2/userinfo', example: 'https://www.googleapis.com/oauth2/v2/userinfo', description: 'Where the connected mailbox address is read.' },
  { name: 'MICROSOFT_CLIENT_ID', group: 'Gmail and Microsoft 365', default: '', example: '00000000-0000-0000-0000-000000000000', description: '"Connect Microsoft 365": Entra ID app. Redirect URI `$PUBLIC_URL/api/v1/senders/oauth/microsoft/callback`.' },
  { name: 'MICROSOFT_CLIENT_SECRET', group: 'Gmail and Microsoft 365', default: '', secret: true, example: 'abc~defghijklmnopqrstuvwxyz', description: 'Entra ID client secret.' },
  { name: 'MICROSOFT_TENANT', group: 'Gmail and Microsoft 365', default: 'common', example: 'common', description: 'Tenant in the login URLs (`common`, `organizations` or a tenant id).' },
  { name: 'MICROSOFT_LOGIN_BASE_URL', group: 'Gmail and Microsoft 365', default: 'https://login.microsoftonline.com', example: 'https://login.microsoftonline.com', description: 'Microsoft identity platform host.' },
  { name: 'MICROSOFT_GRAPH_BASE_URL', group: 'Gmail and Microsoft 365', default: 'https://graph.microsoft.com', example: 'https://graph.microsoft.com', description: 'Microsoft Graph host.' },
  // Facebook
  { name: 'FACEBOOK_APP_ID', group: 'Facebook Messenger', default: '', example: '123456789012345', description: 'Facebook app for the Messenger channel (set with FACEBOOK_APP_SECRET, or neither). OAuth redirect URI `$PUBLIC_URL/api/v1/channels/facebook/oauth/callback`.' },
  { name: 'FACEBOOK_APP_SECRET', group: 'Facebook Messenger', default: '', secret: true, example: 'fb-app-secret-0123456789abcdef', description: 'App secret; also verifies webhook signatures.' },
  { name: 'FACEBOOK_VERIFY_TOKEN', group: 'Facebook Messenger', default: '', secret: true, example: 'fb-verify-token-0123456789', description: 'What Facebook echoes when it verifies the webhook `$PUBLIC_URL/api/v1/webhooks/facebook`. Unset: verification is refused.' },
  { name: 'FACEBOOK_API_VERSION', group: 'Facebook Messenger', default: 'v21.0', example: 'v21.0', description: 'Pinned Graph API version.' },
  { name: 'FACEBOOK_GRAPH_URL', group: 'Facebook Messenger', default: 'https://graph.facebook.com', example: 'https://graph.facebook.com', description: 'Graph API host (tests point it at a fake).' },
  { name: 'FACEBOOK_OAUTH_URL', group: 'Facebook Messenger', default: 'https://www.facebook.com', example: 'https://www.facebook.com', description: 'Host of the Facebook Login dialog.' },
  // Billing
  { name: 'STRIPE_SECRET_KEY', group: 'Billing (Stripe)', default: '', secret: true, example: 'sk_live_51AbCdEfGhIjKlMnOpQrStUv', description: 'Turns on billing (the hosted edition): plans with limits, the Billing page, Checkout and the Customer Portal. Unset: a self-hosted instance with no limits, no billing routes (404) and no billing page.' },
  { name: 'STRIPE_WEBHOOK_SECRET', group: 'Billing (Stripe)', default: '', secret: true, example: 'whsec_0123456789abcdefABCDEF', description: 'Signing secret (whsec_…) of the webhook endpoint `$PUBLIC_URL/api/v1/webhooks/stripe`; required in production when STRIPE_SECRET_KEY is set. Events to send: checkout.session.completed, customer.subscription.created/updated/deleted, invoice.paid, invoice.payment_failed.' },
  { name: 'STRIPE_API_BASE', group: 'Billing (Stripe)', default: 'https://api.stripe.com', example: 'https://api.stripe.com', description: 'Where the Stripe SDK sends API calls (host, port and protocol; tests point it at test/fakes/stripe.ts).' },
  { name: 'STRIPE_PRICE_STARTER', group: 'Billing (Stripe)', default: '', example: 'price_1StarterMonthly', description: 'Recurring price of the Starter plan (10,000 messages a month, 3 sending accounts, 2 pages, 5,000 contacts, 3 seats). A default paid plan without its price is not offered.' },
  { name: 'STRIPE_PRICE_PRO', group: 'Billing (Stripe)', default: '', example: 'price_1ProMonthly', description: 'Recurring price of the Pro plan (50,000 messages, 10 accounts, 5 pages, 50,000 contacts, 10 seats).' },
  { name: 'STRIPE_PRICE_AGENCY', group: 'Billing (Stripe)', default: '', example: 'price_1AgencyMonthly', description: 'Recurring price of the Agency plan (250,000 messages, 50 accounts, 25 pages, 250,000 contacts, 50 seats).' },
  { name: 'BILLING_PLANS', group: 'Billing (Stripe)', default: 'Free (500 messages a month, 1 account, 1 page, 500 contacts, 1 seat) + Starter, Pro, Agency', example: '[{"key":"free","name":"Free","priceId":null,"limits":{"messagesPerMonth":500,"senders":1,"pages":1,"contacts":500,"seats":1}},{"key":"starter","name":"Starter","limits":{"messagesPerMonth":10000,"senders":3,"pages":2,"contacts":5000,"seats":3}},{"key":"pro","name":"Pro","limits":{"messagesPerMonth":50000,"senders":10,"pages":5,"contacts":50000,"seats":10}},{"key":"agency","name":"Agency","limits":{"messagesPerMonth":null,"senders":50,"pages":25,"contacts":null,"seats":50}}]', description: 'Your own plans instead of the defaults: a JSON array of { key, name, priceId, limits: { messagesPerMonth, senders, pages, contacts, seats } }; a limit of null is unlimited. Exactly one plan has `"priceId": null` (the free plan workspaces fall back to); a plan without priceId takes STRIPE_PRICE_<KEY>. Messages count email and Messenger sends per calendar month (UTC).' },
  { name: 'BILLING_GRACE_DAYS', group: 'Billing (Stripe)', default: '7', example: '7', description: 'After a failed payment the paid limits hold this many days (a banner asks to update the card), then the free limits apply. Data is never deleted.' },
];
