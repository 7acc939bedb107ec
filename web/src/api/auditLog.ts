import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from './client';
import { queryKeys } from './queryKeys';
import type { AuditEntry, Page } from './types';

export const listAuditLog = (cursor: string | null, limit: number) =>
  api.get<Page<AuditEntry>>('/audit-log', { query: { cursor, limit } });

export function useAuditLog(workspaceId: string, pageSize: number, enabled = true) {
  return useInfiniteQuery({
    queryKey: queryKeys.auditLog(workspaceId, pageSize),
    queryFn: ({ pageParam }) => listAuditLog(pageParam, pageSize),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    enabled,
  });
}
