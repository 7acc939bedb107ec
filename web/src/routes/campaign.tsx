import { useEffect, useRef } from 'react';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useCampaign, useCampaignAction, type Campaign, type MessageStatus } from '../api/campaigns';
import { errorMessage, hasStatus } from '../api/errors';
import { useContactFields } from '../api/lists';
import { useWorkspace } from '../api/me';
import type { Role } from '../api/types';
import { AudienceSection } from '../components/campaigns/AudienceSection';
import { CampaignActions } from '../components/campaigns/CampaignActions';
import { CampaignStatusBadge } from '../components/campaigns/CampaignStatusBadge';
import { sectionOf, type EditorSection } from '../components/campaigns/campaignDraft';
import { campaignStatusLabel, isEditable } from '../components/campaigns/campaignDisplay';
import { LaunchChecklist } from '../components/campaigns/LaunchChecklist';
import { MessagesPanel } from '../components/campaigns/MessagesPanel';
import { OptionsSection } from '../components/campaigns/OptionsSection';
import { PreviewPane } from '../components/campaigns/PreviewPane';
import { ProgressView } from '../components/campaigns/ProgressView';
import { ScheduleSection } from '../components/campaigns/ScheduleSection';
import { SendersSection } from '../components/campaigns/SendersSection';
import { SequenceEditor } from '../components/campaigns/SequenceEditor';
import { useCampaignEditor } from '../components/campaigns/useCampaignEditor';
import { PageHeader } from '../components/layout/PageHeader';
import { Alert } from '../components/ui/Alert';
import { Badge } from '../components/ui/Badge';
import { Button } from '../components/ui/Button';
import { Card, CardBody } from '../components/ui/Card';
import { ConfirmDialog } from '../components/ui/ConfirmDialog';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { SkeletonText } from '../components/ui/Skeleton';
import { TabPanel, Tabs, type TabItem } from '../components/ui/Tabs';
import { useToast } from '../components/ui/Toast';
import { formatDateTime, pluralize } from '../lib/format';
import { permissions } from '../lib/permissions';
import type { CampaignSearch, CampaignTab } from './searchParams';

const EDITOR_TABS: TabItem<EditorSection>[] = [
  { id: 'sequence', label: 'Sequence' },
  { id: 'audience', label: 'Audience' },
  { id: 'senders', label: 'Senders' },
  { id: 'schedule', label: 'Schedule' },
  { id: 'options', label: 'Options' },
];

function BackLink() {
  return (
    <Link to="/campaigns" className="back-link">
      <span aria-hidden="true">←</span> Campaigns
    </Link>
  );
}

function subtitle(campaign: Campaign) {
  const parts = [`Created ${formatDateTime(campaign.createdAt)}`];
  if (campaign.launchedAt) parts.push(`launched ${formatDateTime(campaign.launchedAt)}`);
  if (campaign.finishedAt) parts.push(`finished ${formatDateTime(campaign.finishedAt)}`);
  return parts.join(' · ');
}

function CampaignEditor({ workspaceId, role, campaign }: { workspaceId: string; role: Role; campaign: Campaign }) {
  const search = useSearch({ from: '/app/campaigns/$campaignId' });
  const navigate = useNavigate({ from: '/campaigns/$campaignId' });
  const toast = useToast();
  const fields = useContactFields(workspaceId);
  const editor = useCampaignEditor(workspaceId, campaign);
  const launch = useCampaignAction(workspaceId, campaign.id);
  const { draft, errors } = editor;

  const isDraft = campaign.status === 'draft';
  const canEdit = permissions.editCampaigns(role) && isEditable(campaign.status);
  const canLaunch = permissions.launchCampaigns(role);
  const live = campaign.status === 'running' || campaign.status === 'paused';
  const tab: CampaignTab = search.tab ?? (isDraft ? 'sequence' : 'progress');

  const setSearch = (patch: Partial<CampaignSearch>) => void navigate({ search: (prev: CampaignSearch) => ({ ...prev, ...patch }), replace: true });
  const goTo = (next: CampaignTab) => setSearch({ tab: next });

  const errorCount = (section: EditorSection) => Object.keys(errors).filter((path) => sectionOf(path) === section).length;
  const tabs: TabItem<CampaignTab>[] = [
    ...(isDraft ? [] : [{ id: 'progress' as const, label: 'Progress' }, { id: 'messages' as const, label: 'Messages' }]),
    ...EDITOR_TABS.map((t) => {
      const n = errorCount(t.id);
      return { ...t, alert: n > 0 ? pluralize(n, 'error') : undefined };
    }),
    ...(isDraft ? [{ id: 'launch' as const, label: 'Launch' }] : []),
  ];
  const activeTab = tabs.some((t) => t.id === tab) ? tab : (tabs[0]?.id ?? 'sequence');
  const onEditorTab = EDITOR_TABS.some((t) => t.id === activeTab);

  async function save() {
    if (!canEdit || editor.saving || !editor.dirty) return;
    const result = await editor.save();
    if (result.ok) {
      toast.success('Campaign saved', live ? 'Changes apply to emails not sent yet.' : undefined);
    } else if (result.sections.length > 0 && !result.sections.includes(activeTab as EditorSection)) {
      // Bring the errors into view when the tab on screen has none of them.
      goTo(result.sections[0]!);
    }
  }

  // Ctrl/Cmd+S saves, as in any editor.
  const saveRef = useRef(save);
  useEffect(() => {
    saveRef.current = save;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.metaKey || event.ctrlKey) && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        void saveRef.current();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  async function launchNow() {
    try {
      const launched = await launch.mutateAsync('launch');
      const enrolled = 'enrolled' in launched && typeof launched.enrolled === 'number' ? launched.enrolled : null;
      toast.success('Campaign launched', enrolled === null ? undefined : `${pluralize(enrolled, 'contact')} enrolled.`);
      goTo('progress');
    } catch (error) {
      toast.error("Couldn't launch the campaign", errorMessage(error));
    }
  }

  const sectionDisabled = !canEdit || editor.saving;

  return (
    <div className="page page-wide">
      <BackLink />
      <PageHeader
        title={campaign.name}
        documentTitle={`Campaign: ${campaign.name}`}
        description={
          <span className="campaign-subtitle">
            <CampaignStatusBadge status={campaign.status} />
            <span>{subtitle(campaign)}</span>
          </span>
        }
        actions={<CampaignActions workspaceId={workspaceId} campaign={campaign} canLaunch={canLaunch} canEdit={permissions.editCampaigns(role)} onOpenLaunch={() => goTo('launch')} />}
      />

      {!isEditable(campaign.status) && (
        <div className="campaign-banner">
          <Alert tone="info" title={`This campaign is ${campaignStatusLabel[campaign.status].toLowerCase()}`}>
            Its settings can no longer change. Duplicate it to send the same sequence again.
          </Alert>
        </div>
      )}

      <Tabs<CampaignTab> id="campaign" label="Campaign sections" value={activeTab} onChange={goTo} tabs={tabs} />

      {canEdit && (onEditorTab || editor.dirty) && (
        <div className="save-bar" role="region" aria-label="Save changes">
          <div className="save-bar-status" role="status">
            {editor.saving ? (
              <span className="muted">Saving…</span>
            ) : editor.dirty ? (
              <Badge tone="warning" dot>
                Unsaved changes
              </Badge>
            ) : (
              <span className="muted">All changes saved</span>
            )}
            {live && editor.dirty && <span className="muted small">Edits apply to emails not sent yet.</span>}
          </div>
          <div className="save-bar-actions">
            <Button variant="ghost" onClick={editor.discard} disabled={!editor.dirty || editor.saving}>
              Discard
            </Button>
            <Button variant="primary" onClick={() => void save()} loading={editor.saving} disabled={!editor.dirty}>
              Save
            </Button>
          </div>
        </div>
      )}
      {editor.formError && (
        <div className="campaign-banner">
          <Alert tone="danger" title="The campaign wasn't saved">
            {editor.formError}
          </Alert>
        </div>
      )}

      <TabPanel id="campaign" tab={activeTab}>
        {activeTab === 'progress' && <ProgressView workspaceId={workspaceId} campaign={campaign} onReviewUncertain={() => setSearch({ tab: 'messages', status: 'uncertain', step: undefined })} />}
        {activeTab === 'messages' && (
          <MessagesPanel
            workspaceId={workspaceId}
            campaign={campaign}
            status={search.status as MessageStatus | undefined}
            step={search.step ? Number(search.step) : undefined}
            canResolve={canLaunch}
            onFilterChange={(filter) => setSearch({ status: filter.status, step: filter.step ? String(filter.step) : undefined })}
          />
        )}
        {activeTab === 'sequence' && (
          <div className="sequence-layout">
            <SequenceEditor
              steps={draft.steps}
              errors={errors}
              customFields={fields.data ?? []}
              disabled={sectionDisabled}
              live={live}
              onChange={(steps, field) => editor.change({ steps }, field)}
            />
            <aside className="sequence-aside">
              <PreviewPane workspaceId={workspaceId} campaign={campaign} dirty={editor.dirty} draftSteps={editor.draft.steps} />
            </aside>
          </div>
        )}
        {activeTab === 'audience' && (
          <AudienceSection
            workspaceId={workspaceId}
            listIds={draft.listIds}
            segmentIds={draft.segmentIds}
            errors={errors}
            disabled={sectionDisabled}
            onChange={(audience, field) => editor.change(audience, field)}
          />
        )}
        {activeTab === 'senders' && (
          <SendersSection workspaceId={workspaceId} senderIds={draft.senderIds} errors={errors} disabled={sectionDisabled} onChange={(senderIds, field) => editor.change({ senderIds }, field)} />
        )}
        {activeTab === 'schedule' && <ScheduleSection value={draft} errors={errors} disabled={sectionDisabled} onChange={editor.change} />}
        {activeTab === 'options' && <OptionsSection value={draft} errors={errors} disabled={sectionDisabled} onChange={editor.change} />}
        {activeTab === 'launch' && (
          <LaunchChecklist
            workspaceId={workspaceId}
            campaignId={campaign.id}
            dirty={editor.dirty}
            canLaunch={canLaunch}
            launching={launch.isPending}
            onLaunch={launchNow}
            onGoTo={goTo}
          />
        )}
      </TabPanel>
      <ConfirmDialog
        open={editor.leaving.status === 'blocked'}
        title="Leave without saving?"
        description="Your changes to this campaign haven't been saved and will be lost."
        confirmLabel="Leave without saving"
        onConfirm={() => editor.leaving.proceed?.()}
        onCancel={() => editor.leaving.reset?.()}
      />
    </div>
  );
}

export function CampaignPage() {
  const { campaignId } = useParams({ from: '/app/campaigns/$campaignId' });
  const { id: workspaceId, role } = useWorkspace();
  const campaign = useCampaign(workspaceId, campaignId);

  if (campaign.isPending) {
    return (
      <div className="page">
        <BackLink />
        <Card aria-label="Loading campaign">
          <CardBody className="card-body-padded">
            <SkeletonText lines={8} />
          </CardBody>
        </Card>
      </div>
    );
  }
  if (campaign.isError) {
    return (
      <div className="page">
        <BackLink />
        <Card>
          {hasStatus(campaign.error, 404) ? (
            <EmptyState icon="send" title="Campaign not found" description="It may have been deleted, or it belongs to another workspace." />
          ) : (
            <ErrorState title="Couldn't load the campaign" error={campaign.error} onRetry={() => void campaign.refetch()} retrying={campaign.isFetching} />
          )}
        </Card>
      </div>
    );
  }
  return <CampaignEditor key={campaign.data.id} workspaceId={workspaceId} role={role} campaign={campaign.data} />;
}
