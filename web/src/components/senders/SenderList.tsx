import type { Sender } from '../../api/senders';
import { Badge } from '../ui/Badge';
import { DropdownMenu, MenuItem, MenuSeparator } from '../ui/DropdownMenu';
import { Icon } from '../ui/Icon';
import { ProgressBar } from '../ui/ProgressBar';
import { displayStatus, kindLabel, statusLabel, statusTone } from './senderDisplay';

export type SenderAction = 'test' | 'domain' | 'settings' | 'reconnect' | 'pause' | 'resume' | 'remove';

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

/** A list rather than a table: the per-row menus must not be clipped by a scrolling table. */
export function SenderList({ senders, canManage, busyId, onAction }: SenderListProps) {
  return (
    <ul className="sender-list" aria-label="Sending accounts">
      <li className="sender-row sender-row-head" aria-hidden="true">
        <span>Account</span>
        <span>Status</span>
        <span>Today's limit</span>
        <span />
      </li>
      {senders.map((sender) => {
        const status = displayStatus(sender);
        const { dailyCap, warmup } = sender.settings;
        const percent = dailyCap > 0 ? (sender.todayCap / dailyCap) * 100 : 0;
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
                <span className="strong">{sender.todayCap.toLocaleString()}</span> / {dailyCap.toLocaleString()} per day
              </span>
              <ProgressBar
                label={`Today's limit for ${sender.email}`}
                percent={percent}
                valueText={`${sender.todayCap} of ${dailyCap} emails today`}
                showLabel={false}
              />
              {status === 'warming' && (
                <span className="sender-cap-note muted">
                  Warm-up: +{warmup.increment}/day up to {Math.min(warmup.max, dailyCap).toLocaleString()}
                </span>
              )}
            </div>
            <div className="sender-row-actions">
              <SenderActions sender={sender} canManage={canManage} busy={busyId === sender.id} onAction={onAction} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
