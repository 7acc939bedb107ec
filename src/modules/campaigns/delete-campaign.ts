import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaigns } from '../../db/schema/index.js';
import { conflict } from '../../lib/problems.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';
import { findCampaign } from './get-campaign.js';

/** Deletes a campaign with its sequence, enrollments and messages; a running one must be stopped or paused first. */
export async function deleteCampaign(db: Db, actor: Actor, workspaceId: string, id: string) {
  const row = await findCampaign(db, workspaceId, id);
  const deleted = await db.delete(campaigns).where(and(eq(campaigns.id, id), eq(campaigns.workspaceId, workspaceId), ne(campaigns.status, 'running'))).returning({ id: campaigns.id });
  if (!deleted.length) throw conflict('This campaign is running; pause or stop it before deleting it.');
  await recordAudit(db, actor, { workspaceId, action: 'campaign.deleted', targetType: 'campaign', targetId: id, metadata: { name: row.name, status: row.status } });
}
