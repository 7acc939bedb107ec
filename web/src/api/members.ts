import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { queryKeys } from './queryKeys';
import type { ItemList, Member, Role } from './types';

const membersPath = (workspaceId: string) => `/workspaces/${encodeURIComponent(workspaceId)}/members`;

export const listMembers = (workspaceId: string) =>
  api.get<ItemList<Member>>(membersPath(workspaceId)).then((r) => r.items);

export const updateMemberRole = (workspaceId: string, userId: string, role: Role) =>
  api.patch<Member>(`${membersPath(workspaceId)}/${encodeURIComponent(userId)}`, { role });

export const removeMember = (workspaceId: string, userId: string) =>
  api.delete(`${membersPath(workspaceId)}/${encodeURIComponent(userId)}`);

export function useMembers(workspaceId: string) {
  return useQuery({ queryKey: queryKeys.members(workspaceId), queryFn: () => listMembers(workspaceId) });
}

export function useUpdateMemberRole(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) => updateMemberRole(workspaceId, userId, role),
    onSuccess: (updated) =>
      queryClient.setQueryData<Member[]>(queryKeys.members(workspaceId), (members) =>
        members?.map((m) => (m.userId === updated.userId ? updated : m)),
      ),
    // The acting user's own role may have changed, which changes what the UI may show.
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}

export function useRemoveMember(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => removeMember(workspaceId, userId),
    onSuccess: (_void, userId) =>
      queryClient.setQueryData<Member[]>(queryKeys.members(workspaceId), (members) =>
        members?.filter((m) => m.userId !== userId),
      ),
  });
}
