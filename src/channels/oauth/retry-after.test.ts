import { describe, expect, it } from 'vitest';
import { parseProviderError } from './provider-error.js';
import { parseRetryAfter, retryAfterInMessage } from './retry-after.js';

const NOW = Date.parse('2026-03-02T10:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(2);
    expect(parseRetryAfter('Mon, 02 Mar 2026 10:01:30 GMT', NOW)).toBe(90);
    expect(parseRetryAfter('Mon, 02 Mar 2026 09:00:00 GMT', NOW)).toBe(0); // already past: go now
  });

  it('says nothing for absent or unreadable values', () => {
    for (const v of [null, undefined, '', 'soon', '-5']) expect(parseRetryAfter(v, NOW), String(v)).toBeUndefined();
  });

  it("reads Gmail's 'Retry after <ISO time>' from an error message", () => {
    expect(retryAfterInMessage('User-rate limit exceeded.  Retry after 2026-03-02T10:15:00.000Z', NOW)).toBe(900);
    expect(retryAfterInMessage('Backend Error', NOW)).toBeUndefined();
    expect(retryAfterInMessage(null, NOW)).toBeUndefined();
  });
});

describe('parseProviderError', () => {
  it('reads the Google API envelope', () => {
    const body = { error: { code: 429, message: 'Too many concurrent requests for user', errors: [{ message: 'x', domain: 'usageLimits', reason: 'rateLimitExceeded' }], status: 'RESOURCE_EXHAUSTED' } };
    expect(parseProviderError(body)).toEqual({ code: 'RESOURCE_EXHAUSTED', reason: 'rateLimitExceeded', message: 'Too many concurrent requests for user' });
  });

  it('reads the Graph envelope', () => {
    const body = { error: { code: 'ErrorInvalidRecipients', message: "At least one recipient isn't valid.", innerError: { 'request-id': 'r' } } };
    expect(parseProviderError(body)).toEqual({ code: 'ErrorInvalidRecipients', reason: null, message: "At least one recipient isn't valid." });
  });

  it('reads OAuth token-endpoint errors', () => {
    expect(parseProviderError({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' })).toEqual({ code: 'invalid_grant', reason: null, message: 'Token has been expired or revoked.' });
  });

  it('copes with anything else', () => {
    for (const body of [null, 'Bad gateway', 42, {}, { error: 7 }]) expect(parseProviderError(body)).toEqual({ code: null, reason: null, message: null });
  });
});
