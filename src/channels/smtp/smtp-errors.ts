import type { SendResult } from '../types.js';

type SendFailure = Extract<SendResult, { ok: false }>;

/** What nodemailer puts on its errors (SMTPConnection errors and EENVELOPE rejections). */
interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

// The sender's own quota or rate, whatever the reply class: waiting helps, suppressing the
// recipient would be wrong (Gmail "550 5.4.5 Daily user sending limit exceeded", Microsoft
// "554 5.2.0 ...SubmissionQuotaExceededException", "421 4.7.0 Too many connections").
const SENDER_LIMIT = /too many|rate limit|\brate\b.*\b(exceeded|limited)\b|sending (limit|quota)|daily (user )?sending|submissionquotaexceeded|throttl/i;

/**
 * An SMTP failure as a SendResult, keeping the server's exact reply as `message`.
 * 535/534/530 (and 5.7.8) are credentials: never retried. 4xx are transient, rate_limited when
 * the enhanced status is 4.7.x or the text says so. 5xx are permanent for the recipient, except
 * a full mailbox (5.2.2, usually cleared) and the sender's own limits. No reply at all means the
 * connection failed or timed out: transient.
 */
export function classifySmtpError(error: unknown): SendFailure {
  const e = (error ?? {}) as NodemailerError;
  const reply = e.responseCode;
  const message = e.response ?? e.message ?? String(error);

  if (reply === undefined) {
    // nodemailer reports missing or refused credentials without a reply code too.
    if (e.code === 'EAUTH') return { ok: false, kind: 'auth', code: e.code, message };
    return { ok: false, kind: 'transient', code: e.code ?? 'ECONNECTION', message };
  }

  const code = String(reply);
  const status = message.match(/\b([245])\.(\d{1,3})\.(\d{1,3})\b/)?.[0] ?? '';
  if (reply === 530 || reply === 534 || reply === 535 || status === '5.7.8' || status === '5.7.9') {
    return { ok: false, kind: 'auth', code, message };
  }
  if (reply >= 400 && reply < 500) {
    const limited = status.startsWith('4.7.') || SENDER_LIMIT.test(message);
    return { ok: false, kind: limited ? 'rate_limited' : 'transient', code, message };
  }
  if (reply >= 500) {
    if (status === '5.4.5' || SENDER_LIMIT.test(message)) return { ok: false, kind: 'rate_limited', code, message };
    if (status === '5.2.2') return { ok: false, kind: 'transient', code, message };
    return { ok: false, kind: 'permanent', code, message };
  }
  return { ok: false, kind: 'transient', code, message };
}
