import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { queryKeys } from './queryKeys';
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

const workspacePath = (workspaceId: string) => `/workspaces/${encodeURIComponent(workspaceId)}`;

export interface WorkspaceSettingsInput {
  name?: string;
  /** Null (or empty) clears it. */
  postalAddress?: string | null;
  trackingDomain?: string | null;
}

export const getWorkspace = (workspaceId: string) => api.get<Workspace>(workspacePath(workspaceId));
export const updateWorkspace = (workspaceId: string, input: WorkspaceSettingsInput) => api.patch<Workspace>(workspacePath(workspaceId), input);

/** The workspace with its sending settings (postal address, tracking domain). */
export function useWorkspaceSettings(workspaceId: string) {
  return useQuery({ queryKey: queryKeys.workspace(workspaceId), queryFn: () => getWorkspace(workspaceId) });
}

export function useUpdateWorkspace(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: WorkspaceSettingsInput) => updateWorkspace(workspaceId, input),
    onSuccess: (workspace) => {
      queryClient.setQueryData(queryKeys.workspace(workspaceId), workspace);
      // The postal address is one of the launch checks; the workspace name shows in the switcher.
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.campaigns(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      ]);
    },
  });
}
