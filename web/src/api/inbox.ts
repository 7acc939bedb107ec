import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { api } from './client';
import { queryKeys } from './queryKeys';
import type { ItemList, Page } from './types';

// Shapes of /api/v1/conversations (src/modules/inbox/schemas.ts is the authority).

export type Channel = 'email' | 'messenger';
export type ConversationStatus = 'open' | 'closed';
export type ConversationLabel = 'interested' | 'not_interested' | 'out_of_office' | 'meeting_booked';
export type ConversationMessageStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'blocked';

export const CONVERSATION_LABELS: ConversationLabel[] = ['interested', 'not_interested', 'out_of_office', 'meeting_booked'];

export interface PersonRef {
  id: string;
  name: string;
  email: string;
}

export interface Conversation {
  id: string;
  channel: Channel;
  status: ConversationStatus;
  subject: string | null;
  labels: ConversationLabel[];
  unreadCount: number;
  lastMessageAt: string;
  lastInboundAt: string | null;
  lastPreview: string | null;
  contact: { id: string; name: string | null; email: string | null; company: string | null; status: string; messengerPsid: string | null };
  /** The inbox (email) or Facebook page (Messenger) it runs through; null once removed. */
  account: { kind: 'sender' | 'page'; id: string; label: string; status: string } | null;
  campaign: { id: string; name: string } | null;
  assignee: PersonRef | null;
  createdAt: string;
}

export interface ConversationMessage {
  id: string;
  direction: 'in' | 'out';
  status: ConversationMessageStatus;
  fromName: string | null;
  fromAddress: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  error: string | null;
  tag: string | null;
  sentBy: { id: string; name: string } | null;
  campaign: { id: string; name: string; step: number | null } | null;
  autoReply: boolean;
  attachments: { type: string; url?: string; title?: unknown }[];
  occurredAt: string;
}

export type HistoryItem =
  | { kind: 'message'; id: string; conversationId: string; channel: Channel; direction: 'in' | 'out'; status: string; subject: string | null; text: string | null; fromName: string | null; occurredAt: string }
  | { kind: 'campaign_message'; id: string; campaign: { id: string; name: string }; step: number; subject: string | null; text: string | null; occurredAt: string }
  | { kind: 'event'; id: string; type: string; channel: string | null; campaign: { id: string; name: string } | null; detail: string | null; occurredAt: string };

export interface ReplyState {
  channel: Channel;
  allowed: boolean;
  reason: string | null;
  to: string | null;
  messagingType: string | null;
  tag: string | null;
  windowClosesAt: string | null;
}

export interface ConversationThread {
  conversation: Conversation;
  messages: ConversationMessage[];
  history: HistoryItem[];
  reply: ReplyState;
}

export interface InboxCounts {
  unread: number;
  assignedToMe: number;
  channels: Record<Channel, number>;
  labels: Record<ConversationLabel, number>;
}

export interface InboxFilter {
  channel?: Channel;
  senderId?: string;
  pageId?: string;
  campaignId?: string;
  status?: ConversationStatus;
  unread?: boolean;
  label?: ConversationLabel;
  /** "me", "unassigned" or a member's user id. */
  assignee?: string;
  q?: string;
}

export interface ConversationUpdate {
  status?: ConversationStatus;
  labels?: ConversationLabel[];
  assignedUserId?: string | null;
  unread?: boolean;
}

export interface FacebookPage {
  id: string;
  pageId: string;
  name: string;
  status: 'active' | 'reconnect_needed' | 'disconnected';
}

const conversationPath = (id: string) => `/conversations/${encodeURIComponent(id)}`;

/** Only what the API knows, empty values dropped (they'd fail its validation). */
export function cleanInboxFilter(filter: InboxFilter): InboxFilter {
  const out: InboxFilter = {};
  for (const [key, value] of Object.entries(filter) as [keyof InboxFilter, InboxFilter[keyof InboxFilter]][]) {
    if (value === undefined || value === '') continue;
    if (key === 'q' && typeof value === 'string' && !value.trim()) continue;
    (out as Record<string, unknown>)[key] = typeof value === 'string' ? value.trim() : value;
  }
  return out;
}

export const listConversations = (filter: InboxFilter & { cursor: string | null; limit: number }, signal?: AbortSignal) =>
  api.get<Page<Conversation>>('/conversations', { query: { ...cleanInboxFilter(filter), cursor: filter.cursor, limit: filter.limit }, signal });
export const getInboxCounts = (signal?: AbortSignal) => api.get<InboxCounts>('/conversations/counts', { signal });
export const getConversation = (id: string, signal?: AbortSignal) => api.get<ConversationThread>(conversationPath(id), { signal });
export const updateConversation = (id: string, input: ConversationUpdate) => api.patch<Conversation>(conversationPath(id), input);
export const replyToConversation = (id: string, input: { text: string; tag?: 'HUMAN_AGENT' }) =>
  api.post<{ message: ConversationMessage }>(`${conversationPath(id)}/reply`, input);
export const retryReply = (id: string, messageId: string) =>
  api.post<{ message: ConversationMessage }>(`${conversationPath(id)}/messages/${encodeURIComponent(messageId)}/retry`);
export const listFacebookPages = () => api.get<ItemList<FacebookPage>>('/pages').then((r) => r.items);

export function useConversationPages(workspaceId: string, filter: InboxFilter, pageSize: number) {
  return useInfiniteQuery({
    queryKey: queryKeys.inboxList(workspaceId, filter, pageSize),
    queryFn: ({ pageParam, signal }) => listConversations({ ...filter, cursor: pageParam, limit: pageSize }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** The nav badge: live updates refresh it; the interval is the fallback when the event stream is down. */
export function useInboxCounts(workspaceId: string) {
  return useQuery({
    queryKey: queryKeys.inboxCounts(workspaceId),
    queryFn: ({ signal }) => getInboxCounts(signal),
    refetchInterval: 120_000,
  });
}

/** Opening a conversation marks it read on the server, so the list and badge follow. */
export function useConversation(workspaceId: string, id: string | undefined) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.conversation(workspaceId, id ?? ''),
    queryFn: async ({ signal }) => {
      const thread = await getConversation(id!, signal);
      // Reading an unread conversation changes the list and the badge (the live update would too, a bit later).
      const lists = queryClient.getQueriesData<InfiniteData<Page<Conversation>>>({ queryKey: queryKeys.inboxLists(workspaceId) });
      const wasUnread = lists.some(([, data]) => data?.pages.some((page) => page.items.some((c) => c.id === id && c.unreadCount > 0)));
      if (wasUnread) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.inboxLists(workspaceId) });
        void queryClient.invalidateQueries({ queryKey: queryKeys.inboxCounts(workspaceId) });
      }
      return thread;
    },
    enabled: Boolean(id),
    staleTime: 5_000,
  });
}

export function useFacebookPages(workspaceId: string) {
  return useQuery({ queryKey: queryKeys.facebookPages(workspaceId), queryFn: listFacebookPages, staleTime: 60_000 });
}

function useInboxMutation<TInput, TResult>(workspaceId: string, mutationFn: (input: TInput) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    // Lists, counts and the thread all show what changed (even a refused reply is in the thread).
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.inbox(workspaceId) }),
  });
}

export const useUpdateConversation = (workspaceId: string) =>
  useInboxMutation(workspaceId, ({ id, input }: { id: string; input: ConversationUpdate }) => updateConversation(id, input));
export const useReplyToConversation = (workspaceId: string) =>
  useInboxMutation(workspaceId, ({ id, text, tag }: { id: string; text: string; tag?: 'HUMAN_AGENT' }) => replyToConversation(id, { text, tag }));
export const useRetryReply = (workspaceId: string) =>
  useInboxMutation(workspaceId, ({ id, messageId }: { id: string; messageId: string }) => retryReply(id, messageId));
