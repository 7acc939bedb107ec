import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaigns } from '../../db/schema/index.js';
import { resumeCampaignMessages } from '../../engine/sender-messages.js';
import { conflict } from '../../lib/problems.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';
import { campaignView, findCampaign } from './get-campaign.js';

/** Paused → running; messages the engine parked while the campaign was paused go back in the queue. */
export async function resumeCampaign(db: Db, actor: Actor, workspaceId: string, id: string) {
  const row = await findCampaign(db, workspaceId, id);
  const resumed = await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [r] = await t.update(campaigns).set({ status: 'running', updatedAt: new Date() })
      .where(and(eq(campaigns.id, id), eq(campaigns.workspaceId, workspaceId), eq(campaigns.status, 'paused'))).returning();
    if (r) await resumeCampaignMessages(t, [id]);
    return r;
  });
  if (!resumed) throw conflict(`This campaign is ${row.status}; only a paused campaign can be resumed.`);
  await recordAudit(db, actor, { workspaceId, action: 'campaign.resumed', targetType: 'campaign', targetId: id });
  return campaignView(db, resumed);
}
