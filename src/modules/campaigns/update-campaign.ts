import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaignAudience, campaigns } from '../../db/schema/index.js';
import { notFound, validationFailed } from '../../lib/problems.js';
import { replaceAudience, replaceSenders, settingsColumns } from './campaign-settings.js';
import { assertEditable, campaignView } from './get-campaign.js';
import { replaceSteps } from './save-steps.js';
import type { CampaignView, UpdateCampaignInput } from './schemas.js';
import { campaignInputErrors } from './validate-campaign.js';

/**
 * Partial update. Drafts change freely; running and paused campaigns too, except that steps
 * which already went out stay (see replaceSteps); stopped and finished ones are read-only.
 */
export async function updateCampaign(db: Db, workspaceId: string, id: string, input: UpdateCampaignInput): Promise<CampaignView> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    // The row lock orders this edit with launch, stop and other edits of the same campaign.
    const [row] = await t.select().from(campaigns).where(and(eq(campaigns.id, id), eq(campaigns.workspaceId, workspaceId))).for('update');
    if (!row) throw notFound('Campaign');
    assertEditable(row);
    const { columns, errors } = settingsColumns(row, input);
    errors.push(...(await campaignInputErrors(t, workspaceId, input)));
    if (errors.length) throw validationFailed(errors);
    const [updated] = await t.update(campaigns).set({ ...columns, updatedAt: new Date() }).where(eq(campaigns.id, id)).returning();
    if (input.senderIds) await replaceSenders(t, id, input.senderIds);
    if (input.audience) {
      // Either half may be left out: it keeps its current value.
      const current = await t.select().from(campaignAudience).where(eq(campaignAudience.campaignId, id));
      await replaceAudience(t, id, {
        listIds: input.audience.listIds ?? current.flatMap((a) => (a.listId ? [a.listId] : [])),
        segmentIds: input.audience.segmentIds ?? current.flatMap((a) => (a.segmentId ? [a.segmentId] : [])),
      });
    }
    if (input.steps) await replaceSteps(t, updated!, input.steps);
    return campaignView(t, updated!);
  });
}
