import { describe, expect, it } from 'vitest';
import { classifySmtpError } from './smtp-errors.js';

// Replies as real servers send them; smtp.test.ts covers the same path end to end through a
// live SMTP server, this covers the wording of providers we cannot run here.
describe('classifySmtpError', () => {
  it.each([
    [550, '550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient\'s email address for typos', 'permanent'],
    [553, '553 5.1.3 <bob@@example.org>: Recipient address rejected: bad address syntax', 'permanent'],
    [554, '554 5.7.1 <bob@example.org>: Relay access denied', 'permanent'],
    [552, '552-5.2.2 The recipient\'s inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm', 'transient'],
    [550, '550 5.4.5 Daily user sending limit exceeded. For more information on Gmail sending limits go to https://support.google.com/a/answer/166852', 'rate_limited'],
    [554, '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception', 'rate_limited'],
    [450, '450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered.', 'transient'],
    [421, '421-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating from your IP address.', 'rate_limited'],
    [451, '451 4.7.1 Greylisting in action, please come back later', 'rate_limited'],
    [451, '451 4.3.0 Error: queue file write error', 'transient'],
    [454, '454 4.7.0 Temporary authentication failure', 'rate_limited'],
    [535, '535-5.7.8 Username and Password not accepted. For more information, go to https://support.google.com/mail/?p=BadCredentials', 'auth'],
    [534, '534-5.7.9 Application-specific password required.', 'auth'],
    [530, '530 5.7.0 Must issue a STARTTLS command first', 'auth'],
  ] as const)('%i %s → %s', (responseCode, response, kind) => {
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode, response, message: `Can't send mail: ${response}` })).toEqual({ ok: false, kind, code: String(responseCode), message: response });
  });

  it('treats failures without a reply as transient, keeping the socket error', () => {
    expect(classifySmtpError({ code: 'ETIMEDOUT', message: 'Greeting never received' })).toEqual({ ok: false, kind: 'transient', code: 'ETIMEDOUT', message: 'Greeting never received' });
    expect(classifySmtpError(new Error('socket hang up'))).toEqual({ ok: false, kind: 'transient', code: 'ECONNECTION', message: 'socket hang up' });
  });

  it('treats refused or missing credentials without a reply as auth', () => {
    expect(classifySmtpError({ code: 'EAUTH', message: 'Missing credentials for "PLAIN"' })).toEqual({ ok: false, kind: 'auth', code: 'EAUTH', message: 'Missing credentials for "PLAIN"' });
  });
});
