import { createHash } from 'node:crypto';
import type { OutgoingEmail } from '../channels/types.js';
import { contactVariables, renderTemplate, TemplateError, type TemplateVars } from '../lib/templates.js';
import type { SenderRow } from '../modules/senders/senders.js';
import { decorateBody } from '../modules/tracking/decorate-body.js';
import { textToHtml } from '../modules/tracking/html.js';
import type { TrackingKeys } from '../modules/tracking/tokens.js';
import { trackingBaseUrl } from '../modules/tracking/tracking-url.js';
import type { Candidate } from './claim-messages.js';

export interface StepVariant {
  step_id: string;
  id: string;
  label: string;
  subject: string | null;
  bodyText: string;
  bodyHtml: string | null;
  weight: number;
}

export interface ComposedMessage {
  email: OutgoingEmail;
  stepId: string;
  variantId: string;
  links: { position: number; url: string }[];
}

/**
 * The A/B/n pick for one enrollment and step: weighted, and the same on every retry (a hash of
 * the enrollment, not Math.random), so a resend after a crash is the message that was previewed.
 */
export function pickVariant<T extends { weight: number }>(variants: T[], seed: string): T {
  const total = variants.reduce((sum, v) => sum + Math.max(0, v.weight), 0);
  if (total <= 0) return variants[0]!;
  let point = createHash('sha256').update(seed).digest().readUInt32BE(0) % total;
  for (const v of variants) {
    point -= Math.max(0, v.weight);
    if (point < 0) return v;
  }
  return variants[variants.length - 1]!;
}

/**
 * Renders one campaign message for one contact: variant, personalisation, the inbox signature,
 * threading for follow-ups, then the compliance footer, List-Unsubscribe headers and tracking
 * (modules/tracking). A template that fails to render is a reason to skip, never a crash.
 */
export function composeMessage(input: { candidate: Candidate; sender: SenderRow; variants: StepVariant[]; firstSubject: string; publicUrl: string; keys: TrackingKeys }):
  { ok: true; message: ComposedMessage } | { ok: false; reason: string } {
  const { candidate: c, sender } = input;
  const variant = pickVariant(input.variants, `${c.enrollment_id}:${c.step_position}`);
  const seed = c.contact_id;
  const vars: TemplateVars = {
    ...contactVariables({ email: c.email, firstName: c.first_name, lastName: c.last_name, company: c.company, title: c.title, phone: c.phone, timeZone: c.time_zone, custom: c.custom ?? {} }),
    sender_name: sender.fromName, sender_email: sender.email,
  };
  let subject: string;
  let text: string;
  let html: string | null;
  try {
    subject = variant.subject !== null && variant.subject.trim() !== ''
      ? renderTemplate(variant.subject, vars, { seed })
      : `Re: ${c.thread_subject ?? renderTemplate(input.firstSubject, vars, { seed })}`;
    text = renderTemplate(variant.bodyText, vars, { seed });
    html = variant.bodyHtml ? renderTemplate(variant.bodyHtml, vars, { seed }) : null;
  } catch (err) {
    if (err instanceof TemplateError) return { ok: false, reason: `template error in step ${c.step_position} variant ${variant.label}: ${err.message}` };
    throw err;
  }
  if (sender.signature) {
    text = `${text}\n\n${sender.signature}`;
    if (html) html = `${html}<br><br>${textToHtml(sender.signature)}`;
  }
  // Opens need an HTML part for the pixel; plain-text campaigns without tracking stay plain.
  if (!html && (c.track_opens || c.track_clicks)) html = textToHtml(text);

  const domain = sender.sendingDomain ?? sender.email.split('@')[1]!;
  const messageId = `<${c.id}@${domain}>`;
  const decorated = decorateBody({
    text, html, messageId: c.id, keys: input.keys,
    trackOpens: c.track_opens, trackClicks: c.track_clicks,
    baseUrl: trackingBaseUrl(input.publicUrl, c.tracking_domain),
    postalAddress: c.postal_address ?? '',
    unsubscribeMailto: sender.email,
  });
  const references = c.step_position > 1 ? (c.thread_references ?? (c.thread_message_id ? [c.thread_message_id] : [])) : [];
  const fullName = [c.first_name, c.last_name].filter(Boolean).join(' ');
  return {
    ok: true,
    message: {
      stepId: variant.step_id,
      variantId: variant.id,
      links: decorated.links,
      email: {
        from: { name: sender.fromName, address: sender.email },
        to: { name: fullName || null, address: c.email! },
        subject,
        text: decorated.text,
        html: decorated.html,
        messageId,
        inReplyTo: references.at(-1) ?? null,
        references,
        providerThreadId: c.step_position > 1 ? c.provider_thread_id : null,
        headers: { ...decorated.listUnsubscribeHeaders },
      },
    },
  };
}
