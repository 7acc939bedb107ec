import { Fragment } from 'react';
import { useCampaignStats, type Campaign, type Counts } from '../../api/campaigns';
import { StatCard } from '../dashboard/StatCard';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Card, CardBody, CardHeader } from '../ui/Card';
import { ErrorState } from '../ui/ErrorState';
import type { IconName } from '../ui/Icon';
import { ProgressBar } from '../ui/ProgressBar';
import { Spinner } from '../ui/Spinner';
import { Table, TableSkeleton } from '../ui/Table';
import { formatCount, formatRate } from './campaignDisplay';
import { SeriesChart } from './SeriesChart';

interface Metric {
  key: keyof Counts;
  label: string;
  icon: IconName;
  rate?: keyof Counts;
  note?: string;
}

const TOTALS: Metric[] = [
  { key: 'sent', label: 'Sent', icon: 'send' },
  { key: 'opened', label: 'Opened', icon: 'mailOpen', rate: 'openRate' },
  { key: 'clicked', label: 'Clicked', icon: 'pointer', rate: 'clickRate' },
  { key: 'replied', label: 'Replied', icon: 'reply', rate: 'replyRate' },
  { key: 'bounced', label: 'Bounced', icon: 'alert', rate: 'bounceRate' },
  { key: 'unsubscribed', label: 'Unsubscribed', icon: 'ban' },
  { key: 'failed', label: 'Failed', icon: 'xCircle', note: 'Gave up after retries' },
  { key: 'skipped', label: 'Skipped', icon: 'chevronRight', note: 'Stopped or suppressed' },
  { key: 'uncertain', label: 'Uncertain', icon: 'info', note: 'Needs your decision' },
];

const TABLE_COLUMNS: Metric[] = [
  { key: 'scheduled', label: 'Scheduled', icon: 'activity' },
  { key: 'sent', label: 'Sent', icon: 'send' },
  { key: 'opened', label: 'Opened', icon: 'mailOpen', rate: 'openRate' },
  { key: 'clicked', label: 'Clicked', icon: 'pointer', rate: 'clickRate' },
  { key: 'replied', label: 'Replied', icon: 'reply', rate: 'replyRate' },
  { key: 'bounced', label: 'Bounced', icon: 'alert', rate: 'bounceRate' },
  { key: 'unsubscribed', label: 'Unsub.', icon: 'ban' },
  { key: 'failed', label: 'Failed', icon: 'xCircle' },
  { key: 'skipped', label: 'Skipped', icon: 'chevronRight' },
  { key: 'uncertain', label: 'Uncertain', icon: 'info' },
];

function Cells({ counts }: { counts: Counts }) {
  return (
    <>
      {TABLE_COLUMNS.map((column) => (
        <td key={column.key} className="cell-number">
          {formatCount(counts[column.key] ?? 0)}
          {column.rate && (counts.sent > 0 ? <span className="cell-rate"> {formatRate(counts[column.rate] ?? 0)}</span> : null)}
        </td>
      ))}
    </>
  );
}

interface ProgressViewProps {
  workspaceId: string;
  campaign: Campaign;
  onReviewUncertain: () => void;
}

export function ProgressView({ workspaceId, campaign, onReviewUncertain }: ProgressViewProps) {
  const live = campaign.status === 'running';
  const stats = useCampaignStats(workspaceId, campaign.id, live);

  if (stats.isPending) {
    return (
      <Card aria-label="Loading progress">
        <TableSkeleton columns={6} rows={4} label="Loading progress" />
      </Card>
    );
  }
  if (stats.isError) {
    return (
      <Card>
        <ErrorState title="Couldn't load the numbers" error={stats.error} onRetry={() => void stats.refetch()} retrying={stats.isFetching} />
      </Card>
    );
  }

  const { totals, steps, series } = stats.data;
  const settled = totals.sent + totals.failed + totals.skipped + totals.uncertain;
  const all = settled + totals.scheduled;
  const labelOf = (position: number) => (position === 1 ? 'Step 1 · first email' : `Step ${position} · follow-up`);

  return (
    <section className="stack" aria-label="Campaign progress">
      <div className="progress-summary">
        <ProgressBar
          label={live ? 'Sending' : 'Messages'}
          percent={all > 0 ? (settled / all) * 100 : 0}
          valueText={`${formatCount(settled)} of ${formatCount(all)} messages done`}
          tone={campaign.status === 'finished' ? 'success' : 'accent'}
        />
        <p className="muted small" role="status">
          {totals.enrolled !== undefined && `${formatCount(totals.enrolled)} enrolled · `}
          {formatCount(totals.scheduled)} scheduled · {formatCount(totals.delivered)} delivered
          {live && (
            <>
              {' · '}
              <span className="live-note">
                {stats.isFetching && <Spinner size="sm" />}
                updates every few seconds
              </span>
            </>
          )}
        </p>
      </div>

      {totals.uncertain > 0 && (
        <Alert
          tone="warning"
          title={`${formatCount(totals.uncertain)} ${totals.uncertain === 1 ? 'message needs' : 'messages need'} your decision`}
          action={
            <Button size="sm" onClick={onReviewUncertain}>
              Review
            </Button>
          }
        >
          A worker stopped while sending and the provider couldn't confirm whether these went out. They are never re-sent without you.
        </Alert>
      )}

      <div className="metric-grid">
        {TOTALS.map((metric) => (
          <StatCard
            key={metric.key}
            label={metric.label}
            icon={metric.icon}
            value={formatCount(totals[metric.key] ?? 0)}
            footer={<span className="muted">{metric.rate ? `${formatRate(totals[metric.rate] ?? 0)} of sent` : metric.note ?? ' '}</span>}
          />
        ))}
      </div>

      <Card aria-labelledby="series-title">
        <CardHeader titleId="series-title" title="Per day" description={`Days in ${campaign.schedule.timezone}.`} />
        <CardBody>
          <SeriesChart series={series} />
        </CardBody>
      </Card>

      <Card aria-labelledby="steps-stats-title">
        <CardHeader titleId="steps-stats-title" title="By step and variant" description="Rates are of the emails sent by that step or variant." />
        {steps.length === 0 ? (
          <CardBody>
            <p className="muted small">No steps yet.</p>
          </CardBody>
        ) : (
          <Table aria-label="Numbers by step and variant" className="stats-table">
            <thead>
              <tr>
                <th scope="col">Step</th>
                {TABLE_COLUMNS.map((column) => (
                  <th key={column.key} scope="col" className="cell-number">
                    {column.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {steps.map((step) => (
                <Fragment key={step.position}>
                  <tr className="stats-step-row">
                    <th scope="row">{labelOf(step.position)}</th>
                    <Cells counts={step.counts} />
                  </tr>
                  {step.variants.length > 1 &&
                    step.variants.map((variant) => (
                      <tr key={variant.id} className="stats-variant-row">
                        <th scope="row">Variant {variant.label}</th>
                        <Cells counts={variant.counts} />
                      </tr>
                    ))}
                </Fragment>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </section>
  );
}
