import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaigns } from '../../db/schema/index.js';
import { enrollAudience } from '../../engine/enroll.js';
import { AppError, conflict } from '../../lib/problems.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';
import { checkLaunch } from './check-launch.js';
import { campaignView, findCampaign } from './get-campaign.js';

/**
 * Draft → running: only when every launch check passes (a 422 lists the failed ones by key),
 * then the audience is enrolled and first steps scheduled by the engine.
 */
export async function launchCampaign(deps: { db: Db }, actor: Actor, workspaceId: string, id: string, now = new Date()) {
  const { db } = deps;
  const row = await findCampaign(db, workspaceId, id);
  if (row.status !== 'draft') throw conflict(row.status === 'paused' ? 'This campaign is paused; resume it instead.' : `This campaign is ${row.status}; only a draft can be launched.`);
  const check = await checkLaunch(db, workspaceId, id);
  if (!check.ok) {
    const failed = check.checks.filter((c) => !c.ok);
    throw new AppError(422, 'launch-check-failed', `The campaign cannot launch yet: ${failed.map((c) => c.key).join(', ')}.`, failed.map((c) => ({ field: c.key, message: c.message })), { missingVariables: check.missingVariables });
  }
  const [launched] = await db.update(campaigns).set({ status: 'running', launchedAt: now, updatedAt: now })
    .where(and(eq(campaigns.id, id), eq(campaigns.workspaceId, workspaceId), eq(campaigns.status, 'draft'))).returning();
  // Someone else launched (or changed) it between the check and now.
  if (!launched) throw conflict('This campaign is no longer a draft.');
  await recordAudit(db, actor, { workspaceId, action: 'campaign.launched', targetType: 'campaign', targetId: id, metadata: { audienceCount: check.audienceCount } });
  const enrolled = await enrollAudience(deps, id, now);
  return { ...(await campaignView(db, launched)), enrolled };
}
