import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { invalidateContactData } from './contacts';
import { queryKeys } from './queryKeys';
import type { ContactImport, ContactImportReport, ItemList, Job, StartImportInput } from './types';

/** The server's limit for one CSV upload. */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

const importPath = (id: string) => `/contacts/imports/${encodeURIComponent(id)}`;

export const uploadImport = (file: File, onProgress?: (loaded: number, total: number) => void, signal?: AbortSignal) =>
  api.upload<ContactImport>('/contacts/imports', 'file', file, file.name, { onUploadProgress: onProgress, signal });

export const startImport = (id: string, input: StartImportInput) => api.post<ContactImport>(`${importPath(id)}/start`, input);
export const getImport = (id: string) => api.get<ContactImportReport>(importPath(id));
export const listImports = () => api.get<ItemList<ContactImport>>('/contacts/imports').then((r) => r.items);
export const getJob = (id: string) => api.get<Job>(`/jobs/${encodeURIComponent(id)}`);

const isFinished = (status: string | undefined) => status === 'completed' || status === 'failed';

export function useImport(workspaceId: string, id: string | undefined) {
  return useQuery({
    queryKey: queryKeys.contactImport(workspaceId, id ?? ''),
    queryFn: () => getImport(id!),
    enabled: Boolean(id),
    staleTime: 0,
  });
}

export function useRecentImports(workspaceId: string) {
  return useQuery({ queryKey: queryKeys.contactImports(workspaceId), queryFn: listImports });
}

/** Polls a background job every second until it finishes. */
export function useJob(workspaceId: string, id: string | null | undefined) {
  return useQuery({
    queryKey: queryKeys.job(workspaceId, id ?? ''),
    queryFn: () => getJob(id!),
    enabled: Boolean(id),
    refetchInterval: (query) => (isFinished(query.state.data?.status) ? false : 1000),
    refetchIntervalInBackground: true,
    staleTime: 0,
  });
}

export function useUploadImport() {
  return useMutation({
    mutationFn: ({ file, onProgress, signal }: { file: File; onProgress?: (loaded: number, total: number) => void; signal?: AbortSignal }) =>
      uploadImport(file, onProgress, signal),
  });
}

export function useStartImport(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: StartImportInput }) => startImport(id, input),
    onSuccess: (started) => queryClient.invalidateQueries({ queryKey: queryKeys.contactImport(workspaceId, started.id) }),
  });
}

/** Called once an import finishes: counts, lists and tables all changed. */
export function useImportFinished(workspaceId: string) {
  const queryClient = useQueryClient();
  return (importId: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.contactImport(workspaceId, importId) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.contactImports(workspaceId) }),
      invalidateContactData(queryClient, workspaceId),
    ]);
}
