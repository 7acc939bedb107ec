import type { MessageFilter } from './campaigns';
import type { InboxFilter } from './inbox';
import type { ContactFilter, ContactSort, SortOrder } from './types';

// Workspace-scoped keys start with ['workspaces', id] so switching workspaces never shows stale rows.
export const queryKeys = {
  me: ['me'] as const,
  workspace: (workspaceId: string) => ['workspaces', workspaceId, 'settings'] as const,
  members: (workspaceId: string) => ['workspaces', workspaceId, 'members'] as const,
  invites: (workspaceId: string) => ['workspaces', workspaceId, 'invites'] as const,
  apiKeys: (workspaceId: string) => ['workspaces', workspaceId, 'api-keys'] as const,
  auditLog: (workspaceId: string, pageSize: number) => ['workspaces', workspaceId, 'audit-log', pageSize] as const,
  invitePreview: (token: string) => ['invite-preview', token] as const,

  /** Everything derived from contacts: pages, counts, single contacts, tag suggestions. */
  contacts: (workspaceId: string) => ['workspaces', workspaceId, 'contacts'] as const,
  contactPages: (workspaceId: string, params: ContactFilter & { sort: ContactSort; order: SortOrder }, pageSize: number) =>
    ['workspaces', workspaceId, 'contacts', 'pages', params, pageSize] as const,
  contactCount: (workspaceId: string, filter: ContactFilter) => ['workspaces', workspaceId, 'contacts', 'count', filter] as const,
  contact: (workspaceId: string, id: string) => ['workspaces', workspaceId, 'contacts', 'detail', id] as const,
  contactData: (workspaceId: string, id: string) => ['workspaces', workspaceId, 'contacts', 'data', id] as const,
  knownTags: (workspaceId: string) => ['workspaces', workspaceId, 'contacts', 'known-tags'] as const,

  lists: (workspaceId: string) => ['workspaces', workspaceId, 'lists'] as const,
  segments: (workspaceId: string) => ['workspaces', workspaceId, 'segments'] as const,
  segment: (workspaceId: string, id: string) => ['workspaces', workspaceId, 'segments', 'detail', id] as const,
  segmentPreview: (workspaceId: string, filterJson: string) => ['workspaces', workspaceId, 'segments', 'preview', filterJson] as const,
  contactFields: (workspaceId: string) => ['workspaces', workspaceId, 'contact-fields'] as const,

  suppressions: (workspaceId: string, search: string) => ['workspaces', workspaceId, 'suppressions', search] as const,
  suppressionsAll: (workspaceId: string) => ['workspaces', workspaceId, 'suppressions'] as const,

  contactImports: (workspaceId: string) => ['workspaces', workspaceId, 'imports'] as const,
  contactImport: (workspaceId: string, id: string) => ['workspaces', workspaceId, 'imports', id] as const,
  job: (workspaceId: string, id: string) => ['workspaces', workspaceId, 'jobs', id] as const,

  senders: (workspaceId: string) => ['workspaces', workspaceId, 'senders'] as const,
  /** Everything about campaigns: the list, each campaign and what is derived from it. */
  campaigns: (workspaceId: string) => ['workspaces', workspaceId, 'campaigns'] as const,
  campaign: (workspaceId: string, id: string) => ['workspaces', workspaceId, 'campaigns', 'detail', id] as const,
  /** Launch check, preview, stats and messages of one campaign: refreshed together after a save or an action. */
  campaignData: (workspaceId: string, id: string) => ['workspaces', workspaceId, 'campaigns', 'data', id] as const,
  campaignLaunchCheck: (workspaceId: string, id: string) => ['workspaces', workspaceId, 'campaigns', 'data', id, 'launch-check'] as const,
  campaignPreview: (workspaceId: string, id: string, input: { stepPosition: number; variantId?: string; contactId?: string; version: string }) =>
    ['workspaces', workspaceId, 'campaigns', 'data', id, 'preview', input] as const,
  campaignStats: (workspaceId: string, id: string) => ['workspaces', workspaceId, 'campaigns', 'data', id, 'stats'] as const,
  campaignMessages: (workspaceId: string, id: string, filter: MessageFilter, pageSize: number) =>
    ['workspaces', workspaceId, 'campaigns', 'data', id, 'messages', filter, pageSize] as const,
  campaignPreviewContacts: (workspaceId: string, source: { listId?: string; segmentId?: string }) =>
    ['workspaces', workspaceId, 'contacts', 'preview-candidates', source] as const,

  senderDomainCheck: (workspaceId: string, id: string, selector: string) => ['workspaces', workspaceId, 'senders', 'domain-check', id, selector] as const,

  /** Everything in the inbox (lists, counts, threads): one live update refreshes it all. */
  inbox: (workspaceId: string) => ['workspaces', workspaceId, 'inbox'] as const,
  inboxLists: (workspaceId: string) => ['workspaces', workspaceId, 'inbox', 'list'] as const,
  inboxList: (workspaceId: string, filter: InboxFilter, pageSize: number) => ['workspaces', workspaceId, 'inbox', 'list', filter, pageSize] as const,
  inboxCounts: (workspaceId: string) => ['workspaces', workspaceId, 'inbox', 'counts'] as const,
  conversation: (workspaceId: string, id: string) => ['workspaces', workspaceId, 'inbox', 'conversation', id] as const,
  facebookPages: (workspaceId: string) => ['workspaces', workspaceId, 'pages'] as const,

  /** Messenger broadcasts: the list, each broadcast and its recipients. */
  broadcasts: (workspaceId: string) => ['workspaces', workspaceId, 'broadcasts'] as const,
  broadcastList: (workspaceId: string, pageSize: number) => ['workspaces', workspaceId, 'broadcasts', 'list', pageSize] as const,
  broadcast: (workspaceId: string, id: string) => ['workspaces', workspaceId, 'broadcasts', 'detail', id] as const,
  broadcastRecipients: (workspaceId: string, id: string, status: string | null, pageSize: number) =>
    ['workspaces', workspaceId, 'broadcasts', 'detail', id, 'recipients', status, pageSize] as const,
};
