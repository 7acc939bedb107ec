import { queryOptions, useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { api } from './client';
import { queryKeys } from './queryKeys';
import type { Me, User, WorkspaceMembership } from './types';
import { getStoredWorkspaceId, setStoredWorkspaceId, useStoredWorkspaceId } from './workspaceStore';

export async function fetchMe(): Promise<Me> {
  // The auth guard handles a lost session itself, with a ?next= back to the page.
  const me = await api.get<Me>('/me', { redirectOn401: false, sendWorkspace: false });
  const stored = getStoredWorkspaceId();
  // A workspace the user left (or another user's choice on this browser) must not be sent again.
  if (stored && !me.workspaces.some((w) => w.id === stored)) setStoredWorkspaceId(null);
  return me;
}

export const meQueryOptions = queryOptions({
  queryKey: queryKeys.me,
  queryFn: fetchMe,
  staleTime: 60_000,
});

export function resolveActiveWorkspace(me: Me, storedId: string | null): WorkspaceMembership | null {
  return (
    me.workspaces.find((w) => w.id === storedId) ??
    me.workspaces.find((w) => w.id === me.currentWorkspaceId) ??
    me.workspaces[0] ??
    null
  );
}

export interface Session {
  me: Me;
  user: User;
  workspace: WorkspaceMembership | null;
}

/** Only for screens under the auth guard, which has already loaded /me. */
export function useSession(): Session {
  const { data: me } = useSuspenseQuery(meQueryOptions);
  const storedId = useStoredWorkspaceId();
  return { me, user: me.user, workspace: resolveActiveWorkspace(me, storedId) };
}

/** Pages inside the shell; the shell renders a "no workspace" screen instead of them when needed. */
export function useWorkspace(): WorkspaceMembership & { user: User } {
  const { user, workspace } = useSession();
  if (!workspace) throw new Error('No active workspace');
  return { ...workspace, user };
}

export const updateProfile = (input: { name: string }) =>
  api.patch<{ user: User }>('/me', input, { sendWorkspace: false });

export const changePassword = (input: { currentPassword: string; newPassword: string }) =>
  api.post<void>('/me/password', input, { sendWorkspace: false });

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateProfile,
    onSuccess: ({ user }) => {
      queryClient.setQueryData<Me>(queryKeys.me, (me) => (me ? { ...me, user } : me));
      // Member lists show the name too.
      return queryClient.invalidateQueries({ queryKey: ['workspaces'] });
    },
  });
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}
