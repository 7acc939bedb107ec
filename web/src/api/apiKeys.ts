import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { queryKeys } from './queryKeys';
import type { ApiKey, ApiKeyRole, CreatedApiKey, ItemList } from './types';

// API keys belong to the workspace named by the x-workspace-id header.
export const listApiKeys = () => api.get<ItemList<ApiKey>>('/api-keys').then((r) => r.items);

export const createApiKey = (input: { name: string; role: ApiKeyRole }) => api.post<CreatedApiKey>('/api-keys', input);

export const revokeApiKey = (id: string) => api.delete(`/api-keys/${encodeURIComponent(id)}`);

export function useApiKeys(workspaceId: string, enabled = true) {
  return useQuery({ queryKey: queryKeys.apiKeys(workspaceId), queryFn: listApiKeys, enabled });
}

export function useCreateApiKey(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createApiKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys(workspaceId) }),
  });
}

export function useRevokeApiKey(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeApiKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys(workspaceId) }),
  });
}
