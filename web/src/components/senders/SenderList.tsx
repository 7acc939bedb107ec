import type { Sender } from '../../api/senders';
import { Badge } from '../ui/Badge';
import { DropdownMenu, MenuItem, MenuSeparator } from '../ui/DropdownMenu';
import { Icon } from '../ui/Icon';
import { ProgressBar } from '../ui/ProgressBar';
import { displayStatus, kindLabel, statusLabel, statusTone } from './senderDisplay';

export type SenderAction = 'test' | 'testSend' | 'domain' | 'settings' | 'reconnect' | 'pause' | 'resume' | 'remove';

interface SenderListProps {
  senders: Sender[];
  canManage: boolean;
  /** Id of the account with a pause/resume in flight. */
  busyId?: string | null;
  onAction: (action: SenderAction, sender: Sender) => void;
}

function SenderActions({ sender, canManage, busy, onAction }: { sender: Sender; canManage: boolean; busy: boolean; onAction: SenderListProps['onAction'] }) {
  return (
    <DropdownMenu
      align="end"
      trigger={(props) => (
        <button type="button" className="btn btn-ghost btn-sm sender-actions-trigger" aria-label={`Actions for ${sender.email}`} disabled={busy} {...props}>
          <Icon name="moreHorizontal" />
        </button>
      )}
    >
      {canManage && (
        <MenuItem icon="activity" onSelect={() => onAction('test', sender)}>
          Test connection
        </MenuItem>
      )}
      {canManage && (
        <MenuItem icon="send" onSelect={() => onAction('testSend', sender)}>
          Send a test email
        </MenuItem>
      )}
      <MenuItem icon="globe" onSelect={() => onAction('domain', sender)}>
        Domain check
      </MenuItem>
      {canManage && (
        <>
          <MenuItem icon="settings" onSelect={() => onAction('settings', sender)}>
            Settings
          </MenuItem>
          {sender.status === 'reconnect_needed' && (
            <MenuItem icon="refresh" onSelect={() => onAction('reconnect', sender)}>
              Reconnect
            </MenuItem>
          )}
          {sender.status === 'paused' ? (
            <MenuItem icon="play" onSelect={() => onAction('resume', sender)}>
              Resume
            </MenuItem>
          ) : (
            <MenuItem icon="pause" onSelect={() => onAction('pause', sender)}>
              Pause
            </MenuItem>
          )}
          <MenuSeparator />
          <MenuItem icon="trash" tone="danger" onSelect={() => onAction('remove', sender)}>
            Remove
          </MenuItem>
        </>
      )}
    </DropdownMenu>
  );
}

const percentText = (rate: number) => `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)}%`;

/** Bounce and reply rates over the last 30 days; a bounce rate over 2% is a deliverability warning. */
function SenderHealth({ sender }: { sender: Sender }) {
  const stats = sender.stats;
  if (!stats || stats.sent30d === 0) return <div className="sender-health muted">No sends yet</div>;
  return (
    <div className="sender-health" aria-label={`Last 30 days for ${sender.email}`}>
      <span>{stats.sent30d.toLocaleString()} sent</span>
      <span className={stats.bounceRate > 0.02 ? 'sender-health-bad' : undefined}>{percentText(stats.bounceRate)} bounced</span>
      <span>{percentText(stats.replyRate)} replied</span>
    </div>
  );
}

/** A list rather than a table: the per-row menus must not be clipped by a scrolling table. */
export function SenderList({ senders, canManage, busyId, onAction }: SenderListProps) {
  return (
    <ul className="sender-list" aria-label="Sending accounts">
      <li className="sender-row sender-row-head" aria-hidden="true">
        <span>Account</span>
        <span>Status</span>
        <span>Sent today</span>
        <span>Last 30 days</span>
        <span />
      </li>
      {senders.map((sender) => {
        const status = displayStatus(sender);
        const { dailyCap, warmup } = sender.settings;
        const sentToday = sender.stats?.sentToday ?? 0;
        const percent = sender.todayCap > 0 ? Math.min(100, (sentToday / sender.todayCap) * 100) : 0;
        return (
          <li key={sender.id} className="sender-row" aria-label={sender.email}>
            <div className="sender-identity">
              <span className="sender-email strong">{sender.email}</span>
              <span className="sender-meta">
                <Badge>{kindLabel[sender.kind]}</Badge>
                <span className="muted">{sender.fromName || 'No from name'}</span>
              </span>
            </div>
            <div className="sender-status">
              <Badge tone={statusTone[status]} dot>
                {statusLabel[status]}
              </Badge>
              {sender.statusReason && sender.status !== 'active' && <span className="sender-status-reason">{sender.statusReason}</span>}
            </div>
            <div className="sender-cap">
              <span className="sender-cap-text">
                <span className="strong">{sentToday.toLocaleString()}</span> / {sender.todayCap.toLocaleString()} today
              </span>
              <ProgressBar
                label={`Sent today from ${sender.email}`}
                percent={percent}
                valueText={`${sentToday} of ${sender.todayCap} emails today`}
                showLabel={false}
              />
              {status === 'warming' && (
                <span className="sender-cap-note muted">
                  Warm-up: +{warmup.increment}/day up to {Math.min(warmup.max, dailyCap).toLocaleString()}
                </span>
              )}
            </div>
            <SenderHealth sender={sender} />
            <div className="sender-row-actions">
              <SenderActions sender={sender} canManage={canManage} busy={busyId === sender.id} onAction={onAction} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
