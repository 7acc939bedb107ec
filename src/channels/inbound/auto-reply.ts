import type { InboundEmail } from '../types.js';

/**
 * Out-of-office and other automatic answers must not count as replies: a reply stops the
 * contact's sequence, an auto-reply must not. Headers decide first (RFC 3834 Auto-Submitted and
 * the common vendor headers); subject and opening-line patterns catch clients that set none.
 * The patterns are kept specific on purpose: a person's reply misread as automatic would let
 * the sequence keep mailing someone who answered.
 */

// Phrases that are unambiguous anywhere in a subject.
const SUBJECT_ANYWHERE = [
  /out of (the )?office/i,
  /\bautomatic reply\b/i,
  /\bauto[- ]?reply\b/i,
  /\bautoreply\b/i,
  /\bauto[- ]?response\b/i,
  /abwesenheitsnotiz/i,
  /automatische antwort/i,
  /\babwesend\b/i,
  /r[ée]ponse automatique/i,
  /absente? du bureau/i,
  /fuera de la oficina/i,
  /respuesta autom[aá]tica/i,
  /risposta automatica/i,
  /fuori (sede|ufficio)/i,
  /automatisch antwoord/i,
  /afwezig/i,
];
// Ordinary words that only mean "automatic" when they open the subject ("Absence : ...").
const SUBJECT_START = /^\s*(absence|absent|ausente|ausencia)\b/i;

// First lines of an out-of-office body. Only the opening is searched, never quoted text.
const BODY_OPENING = [
  /\bI(?: am|'m| will be| shall be)(?: currently)? (?:out of (?:the )?office|away from (?:the |my )?office)\b/i,
  /\bthis is an automa(?:tic|ted) (?:reply|response|message)\b/i,
  /\bich bin (?:.{0,40})?(?:nicht im büro|abwesend|außer haus)/i,
  /\bje suis (?:actuellement )?absente?\b/i,
  /\bestoy (?:actualmente )?(?:fuera de la oficina|ausente)\b/i,
];

export function isAutoReply(email: InboundEmail, headers: Map<string, string>): boolean {
  const autoSubmitted = (headers.get('auto-submitted') ?? '').trim().toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return true;
  if (headers.has('x-autoreply') || headers.has('x-autorespond') || headers.has('x-autoresponder')) return true;
  if (/^(auto_reply|bulk|junk)$/i.test((headers.get('precedence') ?? '').trim())) return true;

  const subject = email.subject ?? '';
  if (SUBJECT_START.test(subject) || SUBJECT_ANYWHERE.some((re) => re.test(subject))) return true;
  const opening = openingLines(email.text ?? '');
  return BODY_OPENING.some((re) => re.test(opening));
}

/** The first few hundred characters before any quoted part. */
function openingLines(text: string): string {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*>/.test(line) || /^On .+ wrote:\s*$/i.test(line) || /^-{2,}\s*(original message|ursprüngliche nachricht)/i.test(line)) break;
    lines.push(line);
  }
  return lines.join(' ').slice(0, 400);
}
