import type { Db } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';

/** Who did something: a signed-in user, an API key, or nobody known (a failed login). */
export interface Actor {
  userId?: string | null;
  apiKeyId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export type AuditAction =
  | 'auth.signup' | 'auth.login' | 'auth.login_failed' | 'auth.login_locked' | 'auth.logout' | 'auth.refresh_reuse'
  | 'auth.password_changed' | 'auth.password_reset_requested' | 'auth.password_reset' | 'auth.email_verified'
  | 'workspace.created' | 'workspace.renamed' | 'workspace.sending_settings_changed' | 'member.invited' | 'member.invite_revoked' | 'member.joined'
  | 'member.role_changed' | 'member.removed' | 'api_key.created' | 'api_key.revoked'
  | 'contacts.exported' | 'contact.gdpr_exported' | 'contact.erased'
  | 'campaign.launched' | 'campaign.paused' | 'campaign.resumed' | 'campaign.stopped' | 'campaign.deleted' | 'campaign.message_resolved'
  | 'conversation.assigned';

export interface AuditEntry {
  workspaceId?: string | null;
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
}

export async function recordAudit(db: Db, actor: Actor, entry: AuditEntry) {
  await db.insert(auditLog).values({
    workspaceId: entry.workspaceId ?? null,
    actorUserId: actor.userId ?? null,
    actorApiKeyId: actor.apiKeyId ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    ip: actor.ip ?? null,
    userAgent: actor.userAgent?.slice(0, 300) ?? null,
    metadata: entry.metadata ?? {},
  });
}
