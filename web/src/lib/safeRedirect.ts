/** Only same-origin paths are followed after login, so ?next= can't send users to another site. */
export function safeRedirectPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return fallback;
  }
  return next;
}

export function readStringParam(search: Record<string, unknown>, key: string): string | undefined {
  const value = search[key];
  if (typeof value === 'string') return value;
  // The router parses numeric-looking values as numbers; tokens must stay strings.
  if (typeof value === 'number') return String(value);
  return undefined;
}
