// Search validators for the Messenger pages; unknown or malformed params are dropped, never trusted.

const text = (search: Record<string, unknown>, key: string, max = 500): string | undefined => {
  const value = search[key];
  return typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined;
};
/** A count such as connected=2 (the router hands numeric values over as numbers). */
const count = (search: Record<string, unknown>, key: string): string | undefined => {
  const value = search[key];
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  return /^\d{1,6}$/.test(s) ? s : undefined;
};

/** Where "Connect Facebook Pages" returns: /pages?connected=N[&failed=N&skipped=N&limited=N] or ?error=<code>&message=<text>. */
export interface PagesSearch {
  /** The workspace the pages were connected to (the one the flow started in). */
  workspaceId?: string;
  connected?: string;
  failed?: string;
  skipped?: string;
  limited?: string;
  error?: string;
  message?: string;
}

export const validatePagesSearch = (search: Record<string, unknown>): PagesSearch => ({
  workspaceId: text(search, 'workspaceId', 36),
  connected: count(search, 'connected'),
  failed: count(search, 'failed'),
  skipped: count(search, 'skipped'),
  limited: count(search, 'limited'),
  error: text(search, 'error', 100),
  message: text(search, 'message'),
});

const RECIPIENT_STATUSES = ['pending', 'sending', 'sent', 'skipped', 'failed'] as const;

export interface BroadcastSearch {
  status?: (typeof RECIPIENT_STATUSES)[number];
}

export const validateBroadcastSearch = (search: Record<string, unknown>): BroadcastSearch => {
  const status = text(search, 'status', 20);
  return { status: RECIPIENT_STATUSES.includes(status as never) ? (status as BroadcastSearch['status']) : undefined };
};
