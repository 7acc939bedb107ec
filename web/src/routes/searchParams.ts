// Search validators for the public pages; unknown or malformed params are dropped, never trusted.

function readStringParam(search: Record<string, unknown>, key: string): string | undefined {
  const value = search[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export interface NextSearch {
  next?: string;
}

export interface SignupSearch extends NextSearch {
  email?: string;
}

export interface TokenSearch {
  token?: string;
}

export const validateNextSearch = (search: Record<string, unknown>): NextSearch => ({
  next: readStringParam(search, 'next'),
});

export const validateSignupSearch = (search: Record<string, unknown>): SignupSearch => ({
  next: readStringParam(search, 'next'),
  email: readStringParam(search, 'email'),
});

export const validateTokenSearch = (search: Record<string, unknown>): TokenSearch => ({
  token: readStringParam(search, 'token'),
});

// Signed-in pages keep their filters in the URL, so a filtered view can be shared and survives reloads.

const CONTACT_SORTS = ['createdAt', 'updatedAt', 'email', 'firstName', 'lastName', 'company'] as const;
const CONTACT_STATUSES = ['active', 'unsubscribed', 'bounced', 'complained', 'erased'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readEnumParam<T extends string>(search: Record<string, unknown>, key: string, allowed: readonly T[]): T | undefined {
  const value = readStringParam(search, key);
  return allowed.includes(value as T) ? (value as T) : undefined;
}

function readIdParam(search: Record<string, unknown>, key: string): string | undefined {
  const value = readStringParam(search, key);
  return value && UUID.test(value) ? value : undefined;
}

export interface ContactsSearch {
  q?: string;
  listId?: string;
  segmentId?: string;
  tag?: string;
  status?: (typeof CONTACT_STATUSES)[number];
  sort?: (typeof CONTACT_SORTS)[number];
  order?: 'asc' | 'desc';
}

export const validateContactsSearch = (search: Record<string, unknown>): ContactsSearch => ({
  q: readStringParam(search, 'q')?.slice(0, 200),
  listId: readIdParam(search, 'listId'),
  segmentId: readIdParam(search, 'segmentId'),
  tag: readStringParam(search, 'tag')?.slice(0, 100),
  status: readEnumParam(search, 'status', CONTACT_STATUSES),
  sort: readEnumParam(search, 'sort', CONTACT_SORTS),
  order: readEnumParam(search, 'order', ['asc', 'desc'] as const),
});

export interface ImportSearch {
  /** The import being mapped, run or reported on; survives a reload mid-import. */
  id?: string;
}

export const validateImportSearch = (search: Record<string, unknown>): ImportSearch => ({ id: readIdParam(search, 'id') });

export interface ListsSearch {
  tab?: 'lists' | 'segments';
}

export const validateListsSearch = (search: Record<string, unknown>): ListsSearch => ({
  tab: readEnumParam(search, 'tab', ['lists', 'segments'] as const),
});

/** Where "Connect Gmail" / "Connect Microsoft 365" return: one of these is set, then removed by the page. */
export interface SendersSearch {
  connected?: string;
  reconnected?: string;
  error?: string;
  message?: string;
}

export const validateSendersSearch = (search: Record<string, unknown>): SendersSearch => ({
  connected: readStringParam(search, 'connected'),
  reconnected: readStringParam(search, 'reconnected'),
  error: readStringParam(search, 'error'),
  message: readStringParam(search, 'message'),
});

const CAMPAIGN_TABS = ['progress', 'messages', 'sequence', 'audience', 'senders', 'schedule', 'options', 'launch'] as const;
const MESSAGE_STATUSES = ['scheduled', 'paused', 'sending', 'sent', 'failed', 'skipped', 'uncertain'] as const;

export type CampaignTab = (typeof CAMPAIGN_TABS)[number];

export interface CampaignSearch {
  tab?: CampaignTab;
  /** Messages tab filters. */
  status?: (typeof MESSAGE_STATUSES)[number];
  step?: string;
}

export const validateCampaignSearch = (search: Record<string, unknown>): CampaignSearch => {
  const step = readStringParam(search, 'step');
  return {
    tab: readEnumParam(search, 'tab', CAMPAIGN_TABS),
    status: readEnumParam(search, 'status', MESSAGE_STATUSES),
    step: step && /^[1-9]\d?$/.test(step) ? step : undefined,
  };
};

const INBOX_CHANNELS = ['email', 'messenger'] as const;
const INBOX_LABELS = ['interested', 'not_interested', 'out_of_office', 'meeting_booked'] as const;

export interface InboxSearch {
  /** The open conversation. */
  c?: string;
  channel?: (typeof INBOX_CHANNELS)[number];
  /** "sender:<id>" or "page:<id>": the inbox or Facebook page. */
  account?: string;
  campaignId?: string;
  status?: 'open' | 'closed';
  unread?: 'true';
  label?: (typeof INBOX_LABELS)[number];
  assignee?: string;
  q?: string;
}

export const validateInboxSearch = (search: Record<string, unknown>): InboxSearch => {
  const account = readStringParam(search, 'account');
  const assignee = readStringParam(search, 'assignee');
  return {
    c: readIdParam(search, 'c'),
    channel: readEnumParam(search, 'channel', INBOX_CHANNELS),
    account: account && /^(sender|page):[0-9a-f-]{36}$/i.test(account) ? account : undefined,
    campaignId: readIdParam(search, 'campaignId'),
    status: readEnumParam(search, 'status', ['open', 'closed'] as const),
    unread: readEnumParam(search, 'unread', ['true'] as const),
    label: readEnumParam(search, 'label', INBOX_LABELS),
    assignee: assignee === 'me' || assignee === 'unassigned' || (assignee && UUID.test(assignee)) ? assignee : undefined,
    q: readStringParam(search, 'q')?.slice(0, 200),
  };
};
