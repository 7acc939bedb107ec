import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { queryKeys } from './queryKeys';
import type { ItemList, Page } from './types';

export type PageStatus = 'active' | 'reconnect_needed' | 'disconnected';

/** A connected Facebook Page (GET /pages); its token never leaves the server. */
export interface ConnectedPage {
  id: string;
  pageId: string;
  name: string;
  status: PageStatus;
  statusReason: string | null;
  subscribedFields: string[];
  createdAt: string;
  updatedAt: string;
}

/** Message tags a broadcast may carry for people outside the 24-hour window (the server's list). */
export const BROADCAST_TAGS = ['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE'] as const;
export type BroadcastTag = (typeof BROADCAST_TAGS)[number];
export type BroadcastStatus = 'queued' | 'sending' | 'finished' | 'failed';
export const RECIPIENT_STATUSES = ['pending', 'sending', 'sent', 'skipped', 'failed'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

export interface BroadcastCounts {
  recipients: number;
  pending: number;
  sending: number;
  sent: number;
  skipped: number;
  failed: number;
}

export interface Broadcast {
  id: string;
  page: { id: string; name: string; status: PageStatus; statusReason: string | null };
  segment: { id: string; name: string | null } | null;
  list: { id: string; name: string | null } | null;
  text: string;
  tag: BroadcastTag | null;
  status: BroadcastStatus;
  /** Why waiting recipients are not being sent to right now (page needs reconnecting, monthly quota). */
  pausedReason: string | null;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  counts: BroadcastCounts;
}

export interface BroadcastRecipient {
  contactId: string;
  name: string | null;
  status: RecipientStatus;
  reason: string | null;
  attempts: number;
  mid: string | null;
  sentAt: string | null;
}

export interface BroadcastInput {
  pageId: string;
  segmentId?: string;
  listId?: string;
  text: string;
  tag?: BroadcastTag | null;
}

const broadcastPath = (id: string) => `/broadcasts/${encodeURIComponent(id)}`;

export const listPages = () => api.get<ItemList<ConnectedPage>>('/pages').then((r) => r.items);
export const disconnectPage = (id: string) => api.delete(`/pages/${encodeURIComponent(id)}`);
export const listBroadcasts = (cursor: string | null, limit: number, signal?: AbortSignal) => api.get<Page<Broadcast>>('/broadcasts', { query: { cursor, limit }, signal });
export const getBroadcast = (id: string, signal?: AbortSignal) => api.get<Broadcast>(broadcastPath(id), { query: { limit: 1 }, signal });
export const listRecipients = (id: string, q: { status?: RecipientStatus; cursor: string | null; limit: number }, signal?: AbortSignal) =>
  api.get<Broadcast & { recipients: Page<BroadcastRecipient> }>(broadcastPath(id), { query: q, signal }).then((r) => r.recipients);
export const createBroadcast = (input: BroadcastInput) => api.post<Broadcast>('/broadcasts', input);

/**
 * "Connect Facebook Pages" (and reconnecting one): the server hands out the Facebook Login URL for
 * this workspace; Facebook sends the browser back to /pages?connected=… or ?error=….
 */
export async function startFacebookConnect(): Promise<void> {
  const { url } = await api.get<{ url: string }>('/channels/facebook/oauth/start');
  window.location.assign(url);
}

/** The same list and key as the inbox's page filter, so a connect or disconnect refreshes both. */
export function useConnectedPages(workspaceId: string) {
  return useQuery({ queryKey: queryKeys.facebookPages(workspaceId), queryFn: listPages });
}

export function useDisconnectPage(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: disconnectPage,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.facebookPages(workspaceId) }),
  });
}

/** How often a broadcast still sending is refreshed. */
const LIVE_REFRESH_MS = 3_000;
export const isLive = (b: Pick<Broadcast, 'status'> | undefined) => b?.status === 'queued' || b?.status === 'sending';

export function useBroadcasts(workspaceId: string, pageSize: number) {
  return useInfiniteQuery({
    queryKey: queryKeys.broadcastList(workspaceId, pageSize),
    queryFn: ({ pageParam, signal }) => listBroadcasts(pageParam, pageSize, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    refetchInterval: (query) => ((query.state.data?.pages.length ?? 0) <= 1 && query.state.data?.pages[0]?.items.some(isLive) ? LIVE_REFRESH_MS * 2 : false),
  });
}

export function useBroadcast(workspaceId: string, id: string) {
  return useQuery({
    queryKey: queryKeys.broadcast(workspaceId, id),
    queryFn: ({ signal }) => getBroadcast(id, signal),
    refetchInterval: (query) => (isLive(query.state.data) ? LIVE_REFRESH_MS : false),
  });
}

export function useBroadcastRecipients(workspaceId: string, id: string, status: RecipientStatus | undefined, pageSize: number, live: boolean) {
  return useInfiniteQuery({
    queryKey: queryKeys.broadcastRecipients(workspaceId, id, status ?? null, pageSize),
    queryFn: ({ pageParam, signal }) => listRecipients(id, { ...(status ? { status } : {}), cursor: pageParam, limit: pageSize }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    // Only the first page is cheap to keep fresh.
    refetchInterval: (query) => (live && (query.state.data?.pages.length ?? 0) <= 1 ? LIVE_REFRESH_MS : false),
  });
}

export function useCreateBroadcast(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createBroadcast,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.broadcasts(workspaceId) }),
  });
}
