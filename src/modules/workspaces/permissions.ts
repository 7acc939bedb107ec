import type { Role } from '../../db/schema/index.js';

/**
 * The permission matrix: which workspace roles may do what. Every workspace-scoped route names
 * one of these actions (see http/access.ts) and nothing else decides.
 */
export const PERMISSIONS = {
  'workspace.read': ['owner', 'admin', 'member'],
  'workspace.update': ['owner', 'admin'],
  'members.read': ['owner', 'admin', 'member'],
  'members.invite': ['owner', 'admin'],
  'members.changeRole': ['owner'],
  'members.remove': ['owner', 'admin'],
  'apiKeys.read': ['owner', 'admin'],
  'apiKeys.manage': ['owner', 'admin'],
  'audit.read': ['owner', 'admin'],
  'contacts.read': ['owner', 'admin', 'member'],
  'contacts.write': ['owner', 'admin', 'member'],
  'contacts.import': ['owner', 'admin', 'member'],
  'contacts.export': ['owner', 'admin'],
  'contacts.erase': ['owner', 'admin'],
  'suppressions.read': ['owner', 'admin', 'member'],
  'suppressions.write': ['owner', 'admin', 'member'],
  'suppressions.delete': ['owner', 'admin'],
  'senders.read': ['owner', 'admin', 'member'],
  'senders.manage': ['owner', 'admin'],
  'campaigns.read': ['owner', 'admin', 'member'],
  'campaigns.write': ['owner', 'admin', 'member'],
  'campaigns.launch': ['owner', 'admin', 'member'],
  'inbox.read': ['owner', 'admin', 'member'],
  'inbox.reply': ['owner', 'admin', 'member'],
  'pages.read': ['owner', 'admin', 'member'],
  'pages.manage': ['owner', 'admin'],
  'broadcasts.send': ['owner', 'admin', 'member'],
  // Plan and usage are visible to everyone (limits affect everyone's work); paying is the owner's.
  'billing.read': ['owner', 'admin', 'member'],
  'billing.manage': ['owner'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1 };

/** Nobody hands out (or acts on) a role above their own. */
export const outranks = (actor: Role, target: Role) => RANK[actor] >= RANK[target];
