import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaigns } from '../../db/schema/index.js';
import { conflict } from '../../lib/problems.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';
import { campaignView, findCampaign } from './get-campaign.js';

/**
 * Running → paused. Messages stay as they are: the engine claims nothing for a campaign that is
 * not running (due ones it meets are parked as 'paused' until resume).
 */
export async function pauseCampaign(db: Db, actor: Actor, workspaceId: string, id: string) {
  const row = await findCampaign(db, workspaceId, id);
  const [paused] = await db.update(campaigns).set({ status: 'paused', updatedAt: new Date() })
    .where(and(eq(campaigns.id, id), eq(campaigns.workspaceId, workspaceId), eq(campaigns.status, 'running'))).returning();
  if (!paused) throw conflict(`This campaign is ${row.status}; only a running campaign can be paused.`);
  await recordAudit(db, actor, { workspaceId, action: 'campaign.paused', targetType: 'campaign', targetId: id });
  return campaignView(db, paused);
}
