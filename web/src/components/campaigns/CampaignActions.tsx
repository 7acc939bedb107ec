import { useState } from 'react';
import { useNavigate } from '@tanstack/react-router';
import { useCampaignAction, useDeleteCampaign, useDuplicateCampaign, type Campaign, type CampaignAction } from '../../api/campaigns';
import { errorMessage } from '../../api/errors';
import { Button, buttonClassName } from '../ui/Button';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { DropdownMenu, MenuItem } from '../ui/DropdownMenu';
import { Icon } from '../ui/Icon';
import { useToast } from '../ui/Toast';

const done: Record<Exclude<CampaignAction, 'launch'>, [string, string]> = {
  pause: ['Campaign paused', 'Scheduled emails wait until you resume.'],
  resume: ['Campaign resumed', 'Sending picks up within the schedule.'],
  stop: ['Campaign stopped', 'Waiting emails were skipped; duplicate it to run it again.'],
};

interface CampaignActionsProps {
  workspaceId: string;
  campaign: Campaign;
  canLaunch: boolean;
  canEdit: boolean;
  /** Shows the launch checklist (drafts launch from there, after the checks). */
  onOpenLaunch: () => void;
}

/** Pause, resume and stop by status; duplicate and delete in a menu. Stop and delete ask first. */
export function CampaignActions({ workspaceId, campaign, canLaunch, canEdit, onOpenLaunch }: CampaignActionsProps) {
  const action = useCampaignAction(workspaceId, campaign.id);
  const duplicate = useDuplicateCampaign(workspaceId);
  const remove = useDeleteCampaign(workspaceId);
  const navigate = useNavigate();
  const toast = useToast();
  const [confirm, setConfirm] = useState<'stop' | 'delete' | null>(null);
  const pending = action.isPending ? action.variables : null;

  function run(kind: Exclude<CampaignAction, 'launch'>) {
    action.mutate(kind, {
      onSuccess: () => toast.success(...done[kind]),
      onError: (error) => toast.error(`Couldn't ${kind} the campaign`, errorMessage(error)),
      onSettled: () => setConfirm(null),
    });
  }

  function duplicateCampaign() {
    duplicate.mutate(campaign.id, {
      onSuccess: (copy) => {
        toast.success(`Duplicated as ${copy.name}`, 'The copy is a draft: nothing is sent until you launch it.');
        void navigate({ to: '/campaigns/$campaignId', params: { campaignId: copy.id }, search: { tab: 'sequence' } });
      },
      onError: (error) => toast.error("Couldn't duplicate the campaign", errorMessage(error)),
    });
  }

  function deleteCampaign() {
    remove.mutate(campaign.id, {
      onSuccess: () => {
        toast.success(`Deleted ${campaign.name}`);
        void navigate({ to: '/campaigns' });
      },
      onError: (error) => {
        setConfirm(null);
        toast.error("Couldn't delete the campaign", errorMessage(error));
      },
    });
  }

  const { status } = campaign;
  return (
    <>
      {canLaunch && status === 'draft' && (
        <Button variant="primary" icon="play" onClick={onOpenLaunch}>
          Review and launch
        </Button>
      )}
      {canLaunch && status === 'running' && (
        <Button icon="pause" onClick={() => run('pause')} loading={pending === 'pause'} disabled={action.isPending}>
          Pause
        </Button>
      )}
      {canLaunch && status === 'paused' && (
        <Button variant="primary" icon="play" onClick={() => run('resume')} loading={pending === 'resume'} disabled={action.isPending}>
          Resume
        </Button>
      )}
      {canLaunch && (status === 'running' || status === 'paused') && (
        <Button variant="danger" icon="xCircle" onClick={() => setConfirm('stop')} disabled={action.isPending}>
          Stop
        </Button>
      )}
      {canEdit && (
        <DropdownMenu
          align="end"
          trigger={(props) => (
            <button type="button" className={buttonClassName('secondary')} aria-label="More campaign actions" {...props}>
              <Icon name="moreHorizontal" />
            </button>
          )}
        >
          <MenuItem icon="copy" description="A new draft with the same settings" onSelect={duplicateCampaign}>
            Duplicate
          </MenuItem>
          {status !== 'running' && (
            <MenuItem icon="trash" tone="danger" onSelect={() => setConfirm('delete')}>
              Delete
            </MenuItem>
          )}
        </DropdownMenu>
      )}
      <ConfirmDialog
        open={confirm === 'stop'}
        title="Stop this campaign?"
        description="Emails still waiting are skipped and every contact's sequence ends. This can't be undone: to send again, duplicate the campaign. Pause instead if you may want to continue."
        confirmLabel="Stop campaign"
        pending={pending === 'stop'}
        onConfirm={() => run('stop')}
        onCancel={() => setConfirm(null)}
      />
      <ConfirmDialog
        open={confirm === 'delete'}
        title={`Delete ${campaign.name}?`}
        description="The campaign, its sequence and its message history are deleted. Contacts and their activity stay."
        confirmLabel="Delete campaign"
        pending={remove.isPending}
        onConfirm={deleteCampaign}
        onCancel={() => setConfirm(null)}
      />
    </>
  );
}
