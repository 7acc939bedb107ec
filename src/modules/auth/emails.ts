import type { Deps } from '../../http/context.js';
import type { SystemMail } from '../../lib/mailer.js';

function mail(to: string, subject: string, intro: string, action: string, link: string, outro: string): SystemMail {
  const text = `${intro}\n\n${action}: ${link}\n\n${outro}\n\n— MessageSender`;
  const html = `<p>${intro}</p><p><a href="${link}">${action}</a></p><p style="color:#666">${outro}</p>`;
  return { to, subject, text, html, link };
}

/** System mail goes through the job queue so a slow SMTP server never slows a request. */
export const queueSystemMail = (deps: Deps, m: SystemMail) => deps.jobs.send('system-mail', m);

export const verifyEmailMail = (to: string, link: string) =>
  mail(to, 'Confirm your email address', 'Welcome to MessageSender. Please confirm your email address.', 'Confirm email', link, 'The link works for 48 hours.');

export const resetPasswordMail = (to: string, link: string) =>
  mail(to, 'Reset your MessageSender password', 'Someone (hopefully you) asked to reset your password.', 'Choose a new password', link, 'The link works once, for 1 hour. If you did not ask for it, ignore this email.');

export const inviteMail = (to: string, link: string, workspace: string, inviter: string, role: string) =>
  mail(to, `${inviter} invited you to ${workspace} on MessageSender`, `${inviter} invited you to join the workspace "${workspace}" as ${role}.`, 'Accept the invite', link, 'The invite expires in 7 days.');
