import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { queryKeys } from './queryKeys';
import type { Invite, InvitePreview, ItemList, Role, WorkspaceMembership } from './types';

const invitesPath = (workspaceId: string) => `/workspaces/${encodeURIComponent(workspaceId)}/invites`;

export const listInvites = (workspaceId: string) =>
  api.get<ItemList<Invite>>(invitesPath(workspaceId)).then((r) => r.items);

export const createInvite = (workspaceId: string, input: { email: string; role: Role }) =>
  api.post<Invite>(invitesPath(workspaceId), input);

export const revokeInvite = (workspaceId: string, inviteId: string) =>
  api.delete(`${invitesPath(workspaceId)}/${encodeURIComponent(inviteId)}`);

// Invite links are opened by people who may not be logged in yet.
export const getInvitePreview = (token: string) =>
  api.get<InvitePreview>(`/invites/${encodeURIComponent(token)}`, {
    refreshOn401: false,
    redirectOn401: false,
    sendWorkspace: false,
  });

export const acceptInvite = (token: string) =>
  api.post<{ workspace: WorkspaceMembership }>('/invites/accept', { token }, { sendWorkspace: false, redirectOn401: false });

export function useInvites(workspaceId: string, enabled = true) {
  return useQuery({ queryKey: queryKeys.invites(workspaceId), queryFn: () => listInvites(workspaceId), enabled });
}

export function useCreateInvite(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; role: Role }) => createInvite(workspaceId, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.invites(workspaceId) }),
  });
}

export function useRevokeInvite(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (inviteId: string) => revokeInvite(workspaceId, inviteId),
    onSuccess: (_void, inviteId) =>
      queryClient.setQueryData<Invite[]>(queryKeys.invites(workspaceId), (invites) =>
        invites?.filter((i) => i.id !== inviteId),
      ),
  });
}

export function useInvitePreview(token: string) {
  return useQuery({
    queryKey: queryKeys.invitePreview(token),
    queryFn: () => getInvitePreview(token),
    enabled: token.length > 0,
    staleTime: Infinity,
  });
}

export function useAcceptInvite() {
  return useMutation({ mutationFn: acceptInvite });
}
