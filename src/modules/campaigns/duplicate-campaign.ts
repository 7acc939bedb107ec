import type { Db } from '../../db/client.js';
import { campaigns } from '../../db/schema/index.js';
import { replaceAudience, replaceSenders } from './campaign-settings.js';
import { campaignView, findCampaign } from './get-campaign.js';
import { replaceSteps } from './save-steps.js';
import type { CampaignView } from './schemas.js';

/** A new draft with the same settings, senders, audience and sequence (new ids throughout). */
export async function duplicateCampaign(db: Db, scope: { workspaceId: string; userId: string | null }, id: string): Promise<CampaignView> {
  const source = await findCampaign(db, scope.workspaceId, id);
  const view = await campaignView(db, source);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [row] = await t.insert(campaigns).values({
      workspaceId: scope.workspaceId, createdBy: scope.userId, name: `${source.name} (copy)`.slice(0, 200),
      timezone: source.timezone, sendDays: source.sendDays, windowStartMinute: source.windowStartMinute, windowEndMinute: source.windowEndMinute,
      useContactTimezone: source.useContactTimezone, startAt: source.startAt, dailyNewLimit: source.dailyNewLimit,
      stopOnReply: source.stopOnReply, stopOnClick: source.stopOnClick, stopOnDomainReply: source.stopOnDomainReply,
      trackOpens: source.trackOpens, trackClicks: source.trackClicks,
    }).returning();
    await replaceSenders(t, row!.id, view.senderIds);
    await replaceAudience(t, row!.id, view.audience);
    await replaceSteps(t, row!, view.steps.map((s) => ({
      delayMinutes: s.delayMinutes,
      variants: s.variants.map((v) => ({ label: v.label, subject: v.subject, bodyText: v.bodyText, bodyHtml: v.bodyHtml, weight: v.weight })),
    })));
    return campaignView(t, row!);
  });
}
