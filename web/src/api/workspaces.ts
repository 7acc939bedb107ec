import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Workspace } from './types';
import { setStoredWorkspaceId } from './workspaceStore';

export const createWorkspace = (input: { name: string }) =>
  api.post<Workspace>('/workspaces', input, { sendWorkspace: false });

export const switchWorkspace = (workspaceId: string) =>
  api.post<void>(`/workspaces/${encodeURIComponent(workspaceId)}/switch`, undefined, { sendWorkspace: false });

/** Records the choice server-side (default for new sessions) and locally, then refetches everything. */
export function useSwitchWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: switchWorkspace,
    onSuccess: (_void, workspaceId) => {
      setStoredWorkspaceId(workspaceId);
      return queryClient.invalidateQueries();
    },
  });
}

export function useCreateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWorkspace,
    onSuccess: async (workspace) => {
      await switchWorkspace(workspace.id);
      setStoredWorkspaceId(workspace.id);
      await queryClient.invalidateQueries();
    },
  });
}
