import type { Config } from '../config.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  item: string;
  status: CheckStatus;
  detail: string;
}

/**
 * The production checklist items that follow from the configuration alone (docs/DEPLOYMENT.md
 * walks through the same list). `must` items fail in production and only warn elsewhere, so a
 * development install can run `doctor` too; `should` items always warn.
 */
export function configChecklist(config: Config): CheckResult[] {
  const production = config.env === 'production';
  const must = (item: string, good: boolean, okDetail: string, badDetail: string): CheckResult =>
    ({ item, status: good ? 'ok' : production ? 'fail' : 'warn', detail: good ? okDetail : badDetail });
  const should = (item: string, good: boolean, okDetail: string, badDetail: string): CheckResult =>
    ({ item, status: good ? 'ok' : 'warn', detail: good ? okDetail : badDetail });
  const https = config.publicUrl.startsWith('https://');
  const keyIds = Object.keys(config.secrets.encryptionKeys);
  return [
    must('production mode', production, 'NODE_ENV=production', `NODE_ENV is ${config.env}: development defaults (generated secrets, no secure cookies or HSTS); the items below are advisory`),
    must('https', https, `PUBLIC_URL is ${config.publicUrl}`, `PUBLIC_URL ${config.publicUrl} is not https://: cookies, OAuth redirects and tracking links need TLS (deploy/nginx.conf)`),
    must('secrets', config.secretsSource === 'env', 'JWT and encryption secrets come from the environment', 'secrets are generated into the data directory: set JWT_ACCESS_SECRET, JWT_REFRESH_SECRET and ENCRYPTION_KEYS'),
    {
      item: 'encryption keys',
      status: 'ok',
      detail: `active key "${config.secrets.encryptionKeyId}" of ${keyIds.length} (${keyIds.join(', ')}); keep retired keys listed while old links must work`,
    },
    should('database', config.databaseUrl !== null, 'PostgreSQL (DATABASE_URL)', `embedded database in ${config.dataDir}: one process only, back it up with the server stopped; use PostgreSQL to scale out`),
    should('shared rate limits', config.redisUrl !== null, 'REDIS_URL is set', 'REDIS_URL is not set: each API instance counts rate limits on its own (fine with one `serve`)'),
    should('system mail', config.smtpUrl !== null, `SMTP_URL is set (from ${config.mailFrom})`, 'SMTP_URL is not set: verification, password-reset and invitation mails are only written to the log'),
    should('reverse proxy', !https || config.trustProxy !== false, `TRUST_PROXY=${String(config.trustProxy)}`, 'TRUST_PROXY is not set: behind nginx or a load balancer every client looks like the proxy to rate limits and logs (set TRUST_PROXY=1)'),
    should('metrics access', config.metricsToken !== null, 'METRICS_TOKEN guards /metrics', 'METRICS_TOKEN is not set: /metrics is open; restrict it at the proxy (deploy/nginx.conf does) or set a token'),
  ];
}

export const formatCheck = (c: CheckResult) => `${{ ok: 'ok  ', warn: 'WARN', fail: 'FAIL' }[c.status]} ${c.item}: ${c.detail}`;
