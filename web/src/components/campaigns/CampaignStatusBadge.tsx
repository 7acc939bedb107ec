import type { CampaignStatus } from '../../api/campaigns';
import { Badge } from '../ui/Badge';
import { campaignStatusLabel, campaignStatusTone } from './campaignDisplay';

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  return (
    <Badge tone={campaignStatusTone[status]} dot>
      {campaignStatusLabel[status]}
    </Badge>
  );
}
