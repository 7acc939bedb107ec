import { queryClient } from './queryClient';
import { queryKeys } from './queryKeys';
import type { Me } from './types';
import { switchWorkspace } from './workspaces';

/**
 * Plain download links carry the session cookie but no headers. Before following one: a cheap
 * API call through the client (it refreshes an expired session and turns a refusal into an error
 * shown in the app rather than a JSON page), and the server's current workspace aligned with the
 * one on screen, since that's the workspace a header-less request acts in.
 */
export async function prepareDownload(workspaceId: string, check: () => Promise<unknown>): Promise<void> {
  await check();
  const me = queryClient.getQueryData<Me>(queryKeys.me);
  if (me?.currentWorkspaceId === workspaceId) return;
  await switchWorkspace(workspaceId);
  queryClient.setQueryData<Me>(queryKeys.me, (current) => (current ? { ...current, currentWorkspaceId: workspaceId } : current));
}
