import { useMemo, useState, type MouseEvent } from 'react';
import { Link } from '@tanstack/react-router';
import {
  campaignReportUrl,
  getCampaignStats,
  useCampaignMessages,
  useResolveMessage,
  type Campaign,
  type CampaignMessage,
  type MessageStatus,
  type ResolveAction,
} from '../../api/campaigns';
import { prepareDownload } from '../../api/downloads';
import { errorMessage } from '../../api/errors';
import { formatDateTime } from '../../lib/format';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button, buttonClassName } from '../ui/Button';
import { Card, CardHeader } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { ErrorState } from '../ui/ErrorState';
import { FilterSelect } from '../ui/FilterSelect';
import { Icon } from '../ui/Icon';
import { LoadMoreFooter } from '../ui/LoadMore';
import { ActionsHeader, Table, TableActions, TableSkeleton } from '../ui/Table';
import { useToast } from '../ui/Toast';
import { MESSAGE_STATUSES, messageStatusLabel, messageStatusTone, resolveDescription, resolveLabel } from './campaignDisplay';

const PAGE_SIZE = 50;
const RESOLVE_ACTIONS: ResolveAction[] = ['mark_sent', 'resend', 'skip'];

function ReportLink({ workspaceId, campaignId }: { workspaceId: string; campaignId: string }) {
  const toast = useToast();
  const [preparing, setPreparing] = useState(false);
  const href = campaignReportUrl(campaignId);

  async function onClick(event: MouseEvent<HTMLAnchorElement>) {
    // Modified clicks (new tab, save link as) are left to the browser.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    if (preparing) return;
    setPreparing(true);
    try {
      await prepareDownload(workspaceId, () => getCampaignStats(campaignId));
      window.location.assign(href);
    } catch (error) {
      toast.error("Couldn't download the report", errorMessage(error));
    } finally {
      setPreparing(false);
    }
  }

  return (
    <a href={href} className={buttonClassName('secondary', 'sm')} onClick={(event) => void onClick(event)} aria-busy={preparing || undefined}>
      <Icon name="download" />
      <span>Download CSV report</span>
    </a>
  );
}

function ResolveButtons({ message, busy, onResolve }: { message: CampaignMessage; busy: boolean; onResolve: (action: ResolveAction) => void }) {
  const who = message.email ?? 'this contact';
  return (
    <TableActions>
      {RESOLVE_ACTIONS.map((action) => (
        <Button
          key={action}
          size="sm"
          variant={action === 'skip' ? 'ghost' : 'secondary'}
          disabled={busy}
          title={resolveDescription[action]}
          aria-label={`${resolveLabel[action]}: message ${message.stepPosition} to ${who}`}
          onClick={() => onResolve(action)}
        >
          {resolveLabel[action]}
        </Button>
      ))}
    </TableActions>
  );
}

interface MessagesPanelProps {
  workspaceId: string;
  campaign: Campaign;
  status: MessageStatus | undefined;
  step: number | undefined;
  canResolve: boolean;
  onFilterChange: (filter: { status?: MessageStatus; step?: number }) => void;
}

export function MessagesPanel({ workspaceId, campaign, status, step, canResolve, onFilterChange }: MessagesPanelProps) {
  const filter = useMemo(() => ({ ...(status ? { status } : {}), ...(step ? { step } : {}) }), [status, step]);
  const pages = useCampaignMessages(workspaceId, campaign.id, filter, PAGE_SIZE, campaign.status === 'running');
  const resolve = useResolveMessage(workspaceId, campaign.id);
  const toast = useToast();
  const messages = pages.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = status !== undefined || step !== undefined;

  function onResolve(message: CampaignMessage, action: ResolveAction) {
    resolve.mutate(
      { messageId: message.id, action },
      {
        onSuccess: () => toast.success(`${resolveLabel[action]}: ${message.email ?? 'message'}`),
        onError: (error) => toast.error("Couldn't resolve the message", errorMessage(error)),
      },
    );
  }

  return (
    <Card aria-labelledby="messages-title" className="messages-card">
      <CardHeader
        titleId="messages-title"
        title="Messages"
        description="Every email of this campaign, in send order."
        actions={<ReportLink workspaceId={workspaceId} campaignId={campaign.id} />}
      />
      <div className="toolbar">
        <div className="toolbar-filters">
        <FilterSelect
          label="Status"
          value={status ?? ''}
          onChange={(value) => onFilterChange({ status: (value || undefined) as MessageStatus | undefined, step })}
          options={MESSAGE_STATUSES.map((s) => ({ value: s, label: messageStatusLabel[s] }))}
        />
        <FilterSelect
          label="Step"
          value={step ? String(step) : ''}
          onChange={(value) => onFilterChange({ status, step: value ? Number(value) : undefined })}
          options={campaign.steps.map((s) => ({ value: String(s.position), label: `Step ${s.position}` }))}
        />
        </div>
      </div>
      {status === 'uncertain' && (
        <div className="messages-note">
          <Alert tone="warning" title="Uncertain messages">
            A worker stopped while these were being sent and the provider couldn't confirm whether they went out. Check the sending mailbox's Sent folder,
            then mark each as sent, send it again, or skip it.
          </Alert>
        </div>
      )}
      {pages.isPending ? (
        <TableSkeleton columns={6} rows={5} label="Loading messages" />
      ) : pages.isError && messages.length === 0 ? (
        <ErrorState title="Couldn't load messages" error={pages.error} onRetry={() => void pages.refetch()} retrying={pages.isFetching} />
      ) : messages.length === 0 ? (
        <EmptyState
          icon="mail"
          title={filtered ? 'No messages match' : 'No messages yet'}
          description={
            filtered
              ? 'Try another status or step.'
              : campaign.status === 'draft'
                ? 'Messages are scheduled when the campaign is launched.'
                : 'Messages appear as contacts are enrolled and scheduled.'
          }
        />
      ) : (
        <>
          <Table aria-label="Campaign messages" stale={pages.isPlaceholderData}>
            <thead>
              <tr>
                <th scope="col">Contact</th>
                <th scope="col">Step</th>
                <th scope="col">Status</th>
                <th scope="col">From</th>
                <th scope="col">When</th>
                <th scope="col">Details</th>
                {canResolve && <ActionsHeader />}
              </tr>
            </thead>
            <tbody>
              {messages.map((message) => (
                <tr key={message.id}>
                  <td>
                    <Link to="/contacts/$contactId" params={{ contactId: message.contactId }}>
                      {message.email ?? 'Erased contact'}
                    </Link>
                  </td>
                  <td className="nowrap">
                    {message.stepPosition}
                    {message.variantLabel && <span className="muted"> · {message.variantLabel}</span>}
                  </td>
                  <td>
                    <Badge tone={messageStatusTone[message.status]} dot>
                      {messageStatusLabel[message.status]}
                    </Badge>
                  </td>
                  <td className="muted">{message.senderEmail ?? '—'}</td>
                  <td className="muted nowrap">
                    {message.sentAt ? (
                      <time dateTime={message.sentAt}>Sent {formatDateTime(message.sentAt)}</time>
                    ) : (
                      <time dateTime={message.sendAt}>{formatDateTime(message.sendAt)}</time>
                    )}
                  </td>
                  <td className="muted small">
                    {message.reason ?? '—'}
                    {message.attempts > 1 && <span> ({message.attempts} attempts)</span>}
                  </td>
                  {canResolve && (
                    <td>
                      {message.status === 'uncertain' && (
                        <ResolveButtons
                          message={message}
                          busy={resolve.isPending && resolve.variables?.messageId === message.id}
                          onResolve={(action) => onResolve(message, action)}
                        />
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
          <LoadMoreFooter
            summary={`Showing ${messages.length.toLocaleString()}`}
            query={pages}
            endMessage={messages.length > PAGE_SIZE ? 'That is all of them.' : undefined}
          />
        </>
      )}
    </Card>
  );
}
