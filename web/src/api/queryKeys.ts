// Workspace-scoped keys start with ['workspaces', id] so switching workspaces never shows stale rows.
export const queryKeys = {
  me: ['me'] as const,
  members: (workspaceId: string) => ['workspaces', workspaceId, 'members'] as const,
  invites: (workspaceId: string) => ['workspaces', workspaceId, 'invites'] as const,
  apiKeys: (workspaceId: string) => ['workspaces', workspaceId, 'api-keys'] as const,
  auditLog: (workspaceId: string, pageSize: number) => ['workspaces', workspaceId, 'audit-log', pageSize] as const,
  invitePreview: (token: string) => ['invite-preview', token] as const,
};
