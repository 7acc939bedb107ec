import type { Db } from '../../db/client.js';
import { campaigns } from '../../db/schema/index.js';
import { validationFailed } from '../../lib/problems.js';
import { DEFAULT_SETTINGS, replaceAudience, replaceSenders, settingsColumns } from './campaign-settings.js';
import { campaignView } from './get-campaign.js';
import { replaceSteps } from './save-steps.js';
import type { CampaignView, CreateCampaignInput } from './schemas.js';
import { campaignInputErrors } from './validate-campaign.js';

/** A new draft: only the name is required; everything else starts from DEFAULT_SETTINGS. */
export async function createCampaign(db: Db, scope: { workspaceId: string; userId: string | null }, input: CreateCampaignInput): Promise<CampaignView> {
  const { columns, errors } = settingsColumns(DEFAULT_SETTINGS, input);
  errors.push(...(await campaignInputErrors(db, scope.workspaceId, input)));
  if (errors.length) throw validationFailed(errors);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [row] = await t.insert(campaigns).values({ ...DEFAULT_SETTINGS, ...columns, name: input.name, workspaceId: scope.workspaceId, createdBy: scope.userId }).returning();
    if (input.senderIds) await replaceSenders(t, row!.id, input.senderIds);
    if (input.audience) await replaceAudience(t, row!.id, { listIds: input.audience.listIds ?? [], segmentIds: input.audience.segmentIds ?? [] });
    if (input.steps) await replaceSteps(t, row!, input.steps);
    return campaignView(t, row!);
  });
}
