import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { queryKeys } from './queryKeys';
import type { Page, Suppression, SuppressionUploadResult } from './types';

export const listSuppressions = (search: string, cursor: string | null, limit: number, signal?: AbortSignal) =>
  api.get<Page<Suppression>>('/suppressions', { query: { search: search.trim() || undefined, cursor, limit }, signal });

export const addSuppressions = (input: { values: string[]; note?: string }) =>
  api.post<{ added: number; alreadySuppressed: number }>('/suppressions', input);

export const uploadSuppressions = (file: File) =>
  api.upload<SuppressionUploadResult>('/suppressions/import', 'file', file, file.name);

export const deleteSuppression = (id: string) => api.delete(`/suppressions/${encodeURIComponent(id)}`);

export function useSuppressions(workspaceId: string, search: string, pageSize: number) {
  return useInfiniteQuery({
    queryKey: [...queryKeys.suppressions(workspaceId, search), pageSize],
    queryFn: ({ pageParam, signal }) => listSuppressions(search, pageParam, pageSize, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

function useInvalidateSuppressions(workspaceId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.suppressionsAll(workspaceId) });
}

export function useAddSuppressions(workspaceId: string) {
  const invalidate = useInvalidateSuppressions(workspaceId);
  return useMutation({ mutationFn: addSuppressions, onSuccess: invalidate });
}

export function useUploadSuppressions(workspaceId: string) {
  const invalidate = useInvalidateSuppressions(workspaceId);
  return useMutation({ mutationFn: uploadSuppressions, onSuccess: invalidate });
}

export function useDeleteSuppression(workspaceId: string) {
  const invalidate = useInvalidateSuppressions(workspaceId);
  return useMutation({ mutationFn: deleteSuppression, onSuccess: invalidate });
}
