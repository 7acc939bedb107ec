import type { Role } from '../api/types';

// Mirrors the server's permission matrix so the UI hides what the API would refuse.
// The server stays the authority: any rejection is still shown to the user.
const isManager = (role: Role) => role === 'owner' || role === 'admin';

export const permissions = {
  invite: isManager,
  revokeInvites: isManager,
  manageApiKeys: isManager,
  readAuditLog: isManager,
  // Contacts: everyone reads, writes and imports; bulk data leaving the workspace is for managers.
  exportContacts: isManager,
  eraseContacts: isManager,
  deleteSuppressions: isManager,
  // Sending accounts: everyone sees them; connecting, changing and testing them is for managers.
  manageSenders: isManager,
  // Facebook pages: everyone sees them; connecting and disconnecting is for managers. Every role sends broadcasts.
  managePages: isManager,
  sendBroadcasts: (_role: Role) => true,
  // Campaigns: every role writes, launches, pauses and stops them (server: campaigns.write / campaigns.launch).
  editCampaigns: (_role: Role) => true,
  launchCampaigns: (_role: Role) => true,
  // Workspace name and sending settings (postal address, tracking domain) are for managers; everyone reads them.
  manageWorkspace: isManager,
  changeRoles: (role: Role) => role === 'owner',
  removeMember: (actor: Role, target: Role) => actor === 'owner' || (actor === 'admin' && target !== 'owner'),
  invitableRoles: (role: Role): Role[] =>
    role === 'owner' ? ['member', 'admin', 'owner'] : role === 'admin' ? ['member', 'admin'] : [],
};

export const ROLES: Role[] = ['owner', 'admin', 'member'];

export const roleLabel: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
};

export const roleDescription: Record<Role, string> = {
  owner: 'Full access, including changing roles and removing anyone.',
  admin: 'Manages members, invites, API keys and reads the audit log.',
  member: 'Uses the workspace; cannot manage people or keys.',
};
