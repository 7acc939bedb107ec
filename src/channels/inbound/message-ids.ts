/** Message-IDs compared in one form: `<id@host>`, whatever brackets or spacing the sender used. */
export function normaliseMessageId(value: string | null | undefined): string | null {
  const id = (value ?? '').trim().replace(/^<+/, '').replace(/>+$/, '').trim();
  return id && !/\s/.test(id) ? `<${id}>` : null;
}

/**
 * Every id in a References / In-Reply-To style value. Ids are taken from their angle brackets;
 * a value without any brackets is taken as whitespace-separated ids (some clients send that).
 */
export function messageIdsIn(value: string | null | undefined): string[] {
  if (!value) return [];
  const bracketed = value.match(/<[^<>\s]+>/g);
  const tokens = bracketed ?? value.split(/[\s,]+/);
  return tokens.map(normaliseMessageId).filter((id): id is string => id !== null);
}

export function uniqueIds(ids: (string | null | undefined)[]): string[] {
  return [...new Set(ids.map(normaliseMessageId).filter((id): id is string => id !== null))];
}
