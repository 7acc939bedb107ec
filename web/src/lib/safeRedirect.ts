/** Only same-origin paths are followed after login, so ?next= can't send users to another site. */
export function safeRedirectPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return fallback;
  }
  return next;
}
