// Shapes of the /api/v1 JSON payloads the SPA consumes.

export type Role = 'owner' | 'admin' | 'member';

export interface User {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  isInstanceAdmin: boolean;
  createdAt: string;
}

export interface WorkspaceMembership {
  id: string;
  name: string;
  role: Role;
}

export interface Me {
  user: User;
  workspaces: WorkspaceMembership[];
  /** Null only when the user belongs to no workspace at all. */
  currentWorkspaceId: string | null;
}

export interface Workspace extends WorkspaceMembership {
  createdAt: string;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface PersonRef {
  id: string;
  name: string;
  email: string;
}

export interface Invite {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  invitedBy?: PersonRef | null;
}

export interface InvitePreview {
  workspace: { id: string; name: string };
  email: string;
  role: Role;
  expiresAt: string;
}

export type ApiKeyRole = Exclude<Role, 'owner'>;

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyRole;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdBy: PersonRef | null;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyRole;
  createdAt: string;
  /** The full secret; the server never returns it again. */
  key: string;
}

export interface AuditEntry {
  id: string;
  action: string;
  actor: PersonRef | null;
  /** Set when the action was taken with an API key rather than by a signed-in person. */
  apiKeyId?: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  metadata: unknown;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ItemList<T> {
  items: T[];
}
