import { useState } from 'react';
import { Link, useNavigate } from '@tanstack/react-router';
import { useCampaigns, useCreateCampaign, useDeleteCampaign, useDuplicateCampaign, type CampaignSummary } from '../api/campaigns';
import { errorMessage } from '../api/errors';
import { useWorkspace } from '../api/me';
import { CampaignStatusBadge } from '../components/campaigns/CampaignStatusBadge';
import { formatCount, formatRate } from '../components/campaigns/campaignDisplay';
import { PageHeader } from '../components/layout/PageHeader';
import { Button } from '../components/ui/Button';
import { Card } from '../components/ui/Card';
import { ConfirmDialog } from '../components/ui/ConfirmDialog';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { ActionsHeader, Table, TableActions, TableSkeleton } from '../components/ui/Table';
import { useToast } from '../components/ui/Toast';
import { formatDate, formatDateTime } from '../lib/format';
import { permissions } from '../lib/permissions';

const description = 'Sequences of emails sent from your accounts to your lists and segments, stopping when people reply.';

/** A readable default; the name is changed in the editor's Options tab. */
function draftName(): string {
  return `New campaign · ${new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(new Date())}`;
}

export function CampaignsPage() {
  const { id: workspaceId, role } = useWorkspace();
  const campaigns = useCampaigns(workspaceId);
  const create = useCreateCampaign(workspaceId);
  const duplicate = useDuplicateCampaign(workspaceId);
  const remove = useDeleteCampaign(workspaceId);
  const navigate = useNavigate();
  const toast = useToast();
  const [deleting, setDeleting] = useState<CampaignSummary | null>(null);
  const canEdit = permissions.editCampaigns(role);

  function newCampaign() {
    create.mutate(
      { name: draftName() },
      {
        onSuccess: (campaign) => void navigate({ to: '/campaigns/$campaignId', params: { campaignId: campaign.id }, search: { tab: 'sequence' } }),
        onError: (error) => toast.error("Couldn't create the campaign", errorMessage(error)),
      },
    );
  }

  function duplicateCampaign(campaign: CampaignSummary) {
    duplicate.mutate(campaign.id, {
      onSuccess: (copy) => {
        toast.success(`Duplicated as ${copy.name}`, 'The copy is a draft: nothing is sent until you launch it.');
        void navigate({ to: '/campaigns/$campaignId', params: { campaignId: copy.id }, search: { tab: 'sequence' } });
      },
      onError: (error) => toast.error("Couldn't duplicate the campaign", errorMessage(error)),
    });
  }

  function confirmDelete() {
    if (!deleting) return;
    const campaign = deleting;
    remove.mutate(campaign.id, {
      onSuccess: () => toast.success(`Deleted ${campaign.name}`),
      onError: (error) => toast.error("Couldn't delete the campaign", errorMessage(error)),
      onSettled: () => setDeleting(null),
    });
  }

  const newButton = canEdit && (
    <Button variant="primary" icon="plus" onClick={newCampaign} loading={create.isPending}>
      New campaign
    </Button>
  );

  return (
    <div className="page">
      <PageHeader title="Campaigns" description={description} actions={newButton} />
      <Card aria-label="Campaigns">
        {campaigns.isPending ? (
          <TableSkeleton columns={6} rows={4} label="Loading campaigns" />
        ) : campaigns.isError ? (
          <ErrorState title="Couldn't load campaigns" error={campaigns.error} onRetry={() => void campaigns.refetch()} retrying={campaigns.isFetching} />
        ) : campaigns.data.length === 0 ? (
          <EmptyState
            icon="send"
            title="No campaigns yet"
            description="Write a sequence, pick who gets it and which accounts send it, then launch. Nothing is sent until you do."
            action={
              canEdit && (
                <Button icon="plus" onClick={newCampaign} loading={create.isPending}>
                  Create your first campaign
                </Button>
              )
            }
          />
        ) : (
          <Table aria-label="Campaigns list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col" className="cell-number">
                  Enrolled
                </th>
                <th scope="col" className="cell-number">
                  Sent
                </th>
                <th scope="col" className="cell-number">
                  Replied
                </th>
                <th scope="col">Created</th>
                {canEdit && <ActionsHeader />}
              </tr>
            </thead>
            <tbody>
              {campaigns.data.map((campaign) => (
                <tr key={campaign.id}>
                  <td>
                    <Link
                      to="/campaigns/$campaignId"
                      params={{ campaignId: campaign.id }}
                      search={{ tab: campaign.status === 'draft' ? 'sequence' : 'progress' }}
                      className="strong"
                    >
                      {campaign.name}
                    </Link>
                  </td>
                  <td>
                    <CampaignStatusBadge status={campaign.status} />
                  </td>
                  <td className="cell-number">{formatCount(campaign.summary.enrolled)}</td>
                  <td className="cell-number">{formatCount(campaign.summary.sent)}</td>
                  <td className="cell-number">
                    {formatCount(campaign.summary.replied)}
                    {campaign.summary.sent > 0 && <span className="cell-rate"> {formatRate(campaign.summary.replied / campaign.summary.sent)}</span>}
                  </td>
                  <td className="muted nowrap">
                    <time dateTime={campaign.createdAt} title={formatDateTime(campaign.createdAt)}>
                      {formatDate(campaign.createdAt)}
                    </time>
                  </td>
                  {canEdit && (
                    <td>
                      <TableActions>
                        <Button size="sm" variant="ghost" onClick={() => duplicateCampaign(campaign)} disabled={duplicate.isPending} aria-label={`Duplicate ${campaign.name}`}>
                          Duplicate
                        </Button>
                        {campaign.status !== 'running' && (
                          <Button size="sm" variant="ghost" onClick={() => setDeleting(campaign)} aria-label={`Delete ${campaign.name}`}>
                            Delete
                          </Button>
                        )}
                      </TableActions>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? 'campaign'}?`}
        description="The campaign, its sequence and its message history are deleted. Contacts and their activity stay."
        confirmLabel="Delete campaign"
        pending={remove.isPending}
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(null)}
      />
    </div>
  );
}
