import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, apiUrl } from './client';
import { queryKeys } from './queryKeys';
import type { ItemList, Page } from './types';

// Shapes of /api/v1/campaigns (src/modules/campaigns/schemas.ts is the authority).

export type CampaignStatus = 'draft' | 'running' | 'paused' | 'stopped' | 'finished';
export type MessageStatus = 'scheduled' | 'paused' | 'sending' | 'sent' | 'failed' | 'skipped' | 'uncertain';
export type ResolveAction = 'mark_sent' | 'resend' | 'skip';
export type LaunchCheckKey = 'postal_address' | 'senders' | 'steps' | 'audience' | 'unsubscribe' | 'variables';

export interface CampaignSchedule {
  timezone: string;
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Sending window, in minutes after midnight in the campaign's (or the contact's) time zone. */
  startMinute: number;
  endMinute: number;
  useContactTimezone: boolean;
  startAt: string | null;
}

export interface StepVariant {
  id: string;
  label: string;
  subject: string | null;
  bodyText: string;
  bodyHtml: string | null;
  weight: number;
}

export interface CampaignStep {
  id: string;
  position: number;
  /** Wait after the previous step (ignored for the first step, which goes out on enrollment). */
  delayMinutes: number;
  variants: StepVariant[];
}

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  createdAt: string;
  updatedAt: string;
  launchedAt: string | null;
  finishedAt: string | null;
  schedule: CampaignSchedule;
  dailyNewLimit: number | null;
  stopRules: { onReply: boolean; onClick: boolean; onDomainReply: boolean };
  tracking: { opens: boolean; clicks: boolean };
  senderIds: string[];
  audience: { listIds: string[]; segmentIds: string[] };
  steps: CampaignStep[];
}

export interface CampaignSummary {
  id: string;
  name: string;
  status: CampaignStatus;
  createdAt: string;
  updatedAt: string;
  launchedAt: string | null;
  finishedAt: string | null;
  summary: { enrolled: number; sent: number; replied: number };
}

export interface VariantInput {
  id?: string;
  label?: string;
  subject?: string | null;
  bodyText: string;
  bodyHtml?: string | null;
  weight?: number;
}

export interface StepInput {
  id?: string;
  delayMinutes?: number;
  variants: VariantInput[];
}

/** PATCH body: every part is optional; `steps` replaces the sequence, keeping the ids it passes. */
export interface CampaignUpdate {
  name?: string;
  schedule?: Partial<CampaignSchedule>;
  dailyNewLimit?: number | null;
  stopRules?: Partial<Campaign['stopRules']>;
  tracking?: Partial<Campaign['tracking']>;
  senderIds?: string[];
  audience?: { listIds?: string[]; segmentIds?: string[] };
  steps?: StepInput[];
}

export interface LaunchCheck {
  ok: boolean;
  checks: { key: LaunchCheckKey; ok: boolean; message: string }[];
  missingVariables: { contactId: string; email: string; variables: string[] }[];
  audienceCount: number;
}

export interface PreviewInput {
  contactId?: string;
  stepPosition: number;
  variantId?: string;
  /** Unsaved editor text, rendered instead of the saved variant's. */
  draft?: { subject: string | null; bodyText: string; bodyHtml: string | null };
}

export interface Preview {
  contactId: string | null;
  subject: string;
  text: string;
  html: string | null;
  missingVariables: string[];
}

export interface Counts {
  enrolled?: number;
  scheduled: number;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  replied: number;
  bounced: number;
  unsubscribed: number;
  failed: number;
  skipped: number;
  uncertain: number;
  openRate: number;
  clickRate: number;
  replyRate: number;
  bounceRate: number;
}

export interface SeriesPoint {
  day: string;
  sent: number;
  opened: number;
  clicked: number;
  replied: number;
  bounced: number;
}

export interface CampaignStats {
  totals: Counts;
  steps: { position: number; counts: Counts; variants: { id: string; label: string; counts: Counts }[] }[];
  series: SeriesPoint[];
}

export interface CampaignMessage {
  id: string;
  contactId: string;
  email: string | null;
  stepPosition: number;
  variantLabel: string | null;
  senderEmail: string | null;
  status: MessageStatus;
  sendAt: string;
  sentAt: string | null;
  reason: string | null;
  attempts: number;
}

export interface MessageFilter {
  status?: MessageStatus;
  step?: number;
}

const campaignPath = (id: string) => `/campaigns/${encodeURIComponent(id)}`;

export const listCampaigns = () => api.get<ItemList<CampaignSummary>>('/campaigns').then((r) => r.items);
export const getCampaign = (id: string) => api.get<Campaign>(campaignPath(id));
export const createCampaign = (input: { name: string } & CampaignUpdate) => api.post<Campaign>('/campaigns', input);
export const updateCampaign = (id: string, input: CampaignUpdate) => api.patch<Campaign>(campaignPath(id), input);
export const deleteCampaign = (id: string) => api.delete(campaignPath(id));
export const duplicateCampaign = (id: string) => api.post<Campaign>(`${campaignPath(id)}/duplicate`);
export const checkLaunch = (id: string) => api.get<LaunchCheck>(`${campaignPath(id)}/launch-check`);
export const launchCampaign = (id: string) => api.post<Campaign & { enrolled: number }>(`${campaignPath(id)}/launch`);
export const pauseCampaign = (id: string) => api.post<Campaign>(`${campaignPath(id)}/pause`);
export const resumeCampaign = (id: string) => api.post<Campaign>(`${campaignPath(id)}/resume`);
export const stopCampaign = (id: string) => api.post<Campaign>(`${campaignPath(id)}/stop`);
export const previewCampaign = (id: string, input: PreviewInput, signal?: AbortSignal) =>
  api.post<Preview>(`${campaignPath(id)}/preview`, input, { signal });
export const getCampaignStats = (id: string) => api.get<CampaignStats>(`${campaignPath(id)}/stats`);
export const listCampaignMessages = (id: string, params: MessageFilter & { cursor: string | null; limit: number }, signal?: AbortSignal) =>
  api.get<Page<CampaignMessage>>(`${campaignPath(id)}/messages`, { query: { ...params }, signal });
export const resolveMessage = (id: string, messageId: string, action: ResolveAction) =>
  api.post<CampaignMessage>(`${campaignPath(id)}/messages/${encodeURIComponent(messageId)}/resolve`, { action });

/** Streams as a file download: followed as a plain link so the browser writes it to disk. */
export const campaignReportUrl = (id: string) => apiUrl(`${campaignPath(id)}/report.csv`);

/** A running campaign changes by the second; these refresh its numbers while someone watches. */
export const LIVE_REFRESH_MS = 5_000;

export function useCampaigns(workspaceId: string) {
  return useQuery({
    queryKey: queryKeys.campaigns(workspaceId),
    queryFn: listCampaigns,
    // Counts of running campaigns move while the list is open.
    refetchInterval: (query) => (query.state.data?.some((c) => c.status === 'running') ? LIVE_REFRESH_MS * 2 : false),
  });
}

export function useCampaign(workspaceId: string, id: string) {
  return useQuery({
    queryKey: queryKeys.campaign(workspaceId, id),
    queryFn: () => getCampaign(id),
    // A running campaign finishes by itself; the page notices within a few seconds.
    refetchInterval: (query) => (query.state.data?.status === 'running' ? LIVE_REFRESH_MS * 2 : false),
  });
}

/** The campaign as the server now has it, and everything derived from it marked stale. */
function storeCampaign(queryClient: QueryClient, workspaceId: string, campaign: Campaign) {
  queryClient.setQueryData(queryKeys.campaign(workspaceId, campaign.id), campaign);
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: queryKeys.campaignData(workspaceId, campaign.id) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.campaigns(workspaceId), exact: true }),
  ]);
}

export function useCreateCampaign(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createCampaign, onSuccess: (campaign) => storeCampaign(queryClient, workspaceId, campaign) });
}

export function useUpdateCampaign(workspaceId: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CampaignUpdate) => updateCampaign(id, input),
    onSuccess: (campaign) => storeCampaign(queryClient, workspaceId, campaign),
  });
}

export function useDuplicateCampaign(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: duplicateCampaign, onSuccess: (campaign) => storeCampaign(queryClient, workspaceId, campaign) });
}

export function useDeleteCampaign(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteCampaign,
    onSuccess: (_void, id) => {
      queryClient.removeQueries({ queryKey: queryKeys.campaign(workspaceId, id) });
      queryClient.removeQueries({ queryKey: queryKeys.campaignData(workspaceId, id) });
      return queryClient.invalidateQueries({ queryKey: queryKeys.campaigns(workspaceId), exact: true });
    },
  });
}

export type CampaignAction = 'launch' | 'pause' | 'resume' | 'stop';
const actions: Record<CampaignAction, (id: string) => Promise<Campaign>> = {
  launch: launchCampaign,
  pause: pauseCampaign,
  resume: resumeCampaign,
  stop: stopCampaign,
};

/** Launch, pause, resume and stop all answer with the campaign in its new state. */
export function useCampaignAction(workspaceId: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: CampaignAction) => actions[action](id),
    onSuccess: (campaign) => storeCampaign(queryClient, workspaceId, campaign),
    // A refused launch usually means the checks changed since they were shown: show them again.
    onError: () => queryClient.invalidateQueries({ queryKey: queryKeys.campaignLaunchCheck(workspaceId, id) }),
  });
}

export function useLaunchCheck(workspaceId: string, id: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.campaignLaunchCheck(workspaceId, id),
    queryFn: () => checkLaunch(id),
    enabled,
    staleTime: 0,
  });
}

/** `version` (the campaign's updatedAt) makes a save re-render the preview. */
export function useCampaignPreview(workspaceId: string, id: string, input: PreviewInput & { version: string }, enabled: boolean) {
  const { version, ...body } = input;
  return useQuery({
    queryKey: queryKeys.campaignPreview(workspaceId, id, input),
    queryFn: ({ signal }) => previewCampaign(id, body, signal),
    enabled,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useCampaignStats(workspaceId: string, id: string, live: boolean) {
  return useQuery({
    queryKey: queryKeys.campaignStats(workspaceId, id),
    queryFn: () => getCampaignStats(id),
    refetchInterval: live ? LIVE_REFRESH_MS : false,
    placeholderData: keepPreviousData,
  });
}

export function useCampaignMessages(workspaceId: string, id: string, filter: MessageFilter, pageSize: number, live: boolean) {
  return useInfiniteQuery({
    queryKey: queryKeys.campaignMessages(workspaceId, id, filter, pageSize),
    queryFn: ({ pageParam, signal }) => listCampaignMessages(id, { ...filter, cursor: pageParam, limit: pageSize }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    // Only the first page is cheap to keep fresh; with more loaded, polling would refetch them all.
    refetchInterval: (query) => (live && (query.state.data?.pages.length ?? 0) <= 1 ? LIVE_REFRESH_MS * 2 : false),
  });
}

export function useResolveMessage(workspaceId: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ messageId, action }: { messageId: string; action: ResolveAction }) => resolveMessage(id, messageId, action),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.campaignData(workspaceId, id) }),
  });
}
