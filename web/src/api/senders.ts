import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl } from './client';
import { queryKeys } from './queryKeys';
import type { ItemList } from './types';

export type SenderKind = 'smtp' | 'gmail' | 'outlook';
export type SenderStatus = 'active' | 'reconnect_needed' | 'paused' | 'error';
export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export interface SenderWarmup {
  enabled: boolean;
  start: number;
  increment: number;
  max: number;
  startedAt: string | null;
}

export interface SenderStats {
  sentToday: number;
  sent30d: number;
  bounced30d: number;
  replied30d: number;
  bounceRate: number;
  replyRate: number;
}

export interface TestSendResult {
  ok: boolean;
  detail: string;
  kind?: string;
}

export interface Sender {
  id: string;
  kind: SenderKind;
  email: string;
  fromName: string | null;
  status: SenderStatus;
  statusReason: string | null;
  smtp: { host: string; port: number; security: SmtpSecurity; user: string } | null;
  imap: { host: string; port: number; secure: boolean; user: string } | null;
  dkim: { domain: string; selector: string; configured: boolean } | null;
  settings: {
    signature: string | null;
    dailyCap: number;
    minGapSeconds: number;
    maxGapSeconds: number;
    sendingDomain: string | null;
    warmup: SenderWarmup;
  };
  /** Today's effective limit: the daily cap, or less while warming up. */
  todayCap: number;
  /** Health figures (lists and single reads only). */
  stats?: SenderStats;
  createdAt: string;
  updatedAt: string;
}

export interface SenderSettingsInput {
  fromName?: string | null;
  signature?: string | null;
  dailyCap?: number;
  minGapSeconds?: number;
  maxGapSeconds?: number;
  sendingDomain?: string | null;
  warmup?: Partial<Omit<SenderWarmup, 'startedAt'>>;
}

export interface DkimInput {
  domain: string;
  selector: string;
  privateKey: string;
}

export interface SmtpSenderInput extends SenderSettingsInput {
  email: string;
  smtp: { host: string; port: number; security: SmtpSecurity; user: string; password: string };
  imap: { host: string; port: number; secure: boolean; user: string; password: string };
  dkim?: DkimInput | null;
}

export interface SenderUpdateInput extends SenderSettingsInput {
  smtp?: Partial<SmtpSenderInput['smtp']>;
  imap?: Partial<SmtpSenderInput['imap']>;
  dkim?: DkimInput | null;
}

export interface ConnectionCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  checks: ConnectionCheck[];
}

export interface DnsRecordCheck {
  status: 'pass' | 'fail';
  record: string | null;
  detail: string;
}

export interface DomainCheckResult {
  domain: string;
  selector: string | null;
  spf: DnsRecordCheck;
  dkim: DnsRecordCheck;
  dmarc: DnsRecordCheck;
}

export type OAuthProvider = 'google' | 'microsoft';

const senderPath = (id: string) => `/senders/${encodeURIComponent(id)}`;

export const listSenders = () => api.get<ItemList<Sender>>('/senders').then((r) => r.items);
export const createSmtpSender = (input: SmtpSenderInput) => api.post<Sender>('/senders', input);
export const updateSender = (id: string, input: SenderUpdateInput) => api.patch<Sender>(senderPath(id), input);
export const pauseSender = (id: string) => api.post<Sender>(`${senderPath(id)}/pause`);
export const resumeSender = (id: string) => api.post<Sender>(`${senderPath(id)}/resume`);
export const deleteSender = (id: string) => api.delete(senderPath(id));
export const testSender = (id: string) => api.post<ConnectionTestResult>(`${senderPath(id)}/test`);
export const sendTestEmail = ({ id, to }: { id: string; to: string }) => api.post<TestSendResult>(`${senderPath(id)}/test-send`, { to });
export const checkSenderDomain = (id: string, selector?: string) =>
  api.get<DomainCheckResult>(`${senderPath(id)}/domain-check`, { query: { selector } });

/** Where "Connect Gmail" / "Connect Microsoft 365" (and their reconnects) send the browser. */
export const oauthStartUrl = (provider: OAuthProvider) => apiUrl(`/senders/oauth/${provider}/start`);

/** Leaves the app for the provider's consent screen; it returns to /senders?connected=… or ?error=…. */
export function startOAuthConnect(provider: OAuthProvider): void {
  window.location.assign(oauthStartUrl(provider));
}

export function useSenders(workspaceId: string) {
  return useQuery({ queryKey: queryKeys.senders(workspaceId), queryFn: listSenders });
}

function useSenderMutation<TInput, TResult>(workspaceId: string, mutationFn: (input: TInput) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.senders(workspaceId) }),
  });
}

export const useCreateSmtpSender = (workspaceId: string) => useSenderMutation(workspaceId, createSmtpSender);
export const useUpdateSender = (workspaceId: string) =>
  useSenderMutation(workspaceId, ({ id, input }: { id: string; input: SenderUpdateInput }) => updateSender(id, input));
export const usePauseSender = (workspaceId: string) => useSenderMutation(workspaceId, pauseSender);
export const useResumeSender = (workspaceId: string) => useSenderMutation(workspaceId, resumeSender);
export const useDeleteSender = (workspaceId: string) => useSenderMutation(workspaceId, deleteSender);
/** A test can flip the account's status (e.g. to error), so the list is refreshed afterwards too. */
export const useTestSender = (workspaceId: string) => useSenderMutation(workspaceId, testSender);
export const useSendTestEmail = (workspaceId: string) => useSenderMutation(workspaceId, sendTestEmail);

export function useDomainCheck(workspaceId: string, id: string, selector: string) {
  return useQuery({
    queryKey: queryKeys.senderDomainCheck(workspaceId, id, selector),
    queryFn: () => checkSenderDomain(id, selector || undefined),
    staleTime: 60_000,
    retry: false,
  });
}
