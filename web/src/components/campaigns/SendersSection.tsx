import { Link } from '@tanstack/react-router';
import { useSenders, type Sender } from '../../api/senders';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { buttonClassName } from '../ui/Button';
import { Card, CardBody, CardHeader } from '../ui/Card';
import { Checkbox } from '../ui/Checkbox';
import { EmptyState } from '../ui/EmptyState';
import { ErrorState } from '../ui/ErrorState';
import { Icon } from '../ui/Icon';
import { SkeletonText } from '../ui/Skeleton';
import { displayStatus, kindLabel, statusLabel, statusTone } from '../senders/senderDisplay';
import type { DraftErrors } from './campaignDraft';

interface SendersSectionProps {
  workspaceId: string;
  senderIds: string[];
  errors: DraftErrors;
  disabled: boolean;
  onChange: (senderIds: string[], field: string) => void;
}

function problemOf(sender: Sender): string | null {
  if (sender.status === 'reconnect_needed') return `${sender.email} needs to be reconnected${sender.statusReason ? ` (${sender.statusReason})` : ''}.`;
  if (sender.status === 'paused') return `${sender.email} is paused.`;
  if (sender.status === 'error') return `${sender.email} has an error${sender.statusReason ? `: ${sender.statusReason}` : ''}.`;
  return null;
}

export function SendersSection({ workspaceId, senderIds, errors, disabled, onChange }: SendersSectionProps) {
  const senders = useSenders(workspaceId);
  const chosen = senders.data?.filter((s) => senderIds.includes(s.id)) ?? [];
  const problems = chosen.map(problemOf).filter((p): p is string => p !== null);
  const dailyTotal = chosen.filter((s) => s.status === 'active').reduce((sum, s) => sum + s.todayCap, 0);
  const topError = errors.senderIds;

  function toggle(id: string, on: boolean) {
    onChange(on ? [...senderIds, id].sort() : senderIds.filter((x) => x !== id), 'senderIds');
  }

  return (
    <div className="stack">
      {problems.length > 0 && (
        <Alert
          tone="warning"
          title="Some chosen accounts can't send right now"
          action={
            <Link to="/senders" className={buttonClassName('secondary', 'sm')}>
              Open sending accounts
            </Link>
          }
        >
          <ul className="plain-list">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <p>Their messages wait until they are fixed; the campaign can't launch until then.</p>
        </Alert>
      )}
      <Card aria-labelledby="campaign-senders-title">
        <CardHeader
          titleId="campaign-senders-title"
          title="Send from"
          description={
            chosen.length > 1
              ? `Sends rotate across ${chosen.length} accounts, each within its own daily limit (${dailyTotal.toLocaleString()} emails a day in total today).`
              : 'Choose one or more mailboxes. With several, sends rotate across them.'
          }
        />
        <CardBody>
          {topError && (
            <p className="field-error" role="alert">
              <Icon name="alert" size={14} />
              <span>{topError}</span>
            </p>
          )}
          {senders.isPending ? (
            <SkeletonText lines={3} />
          ) : senders.isError ? (
            <ErrorState title="Couldn't load sending accounts" error={senders.error} onRetry={() => void senders.refetch()} retrying={senders.isFetching} />
          ) : senders.data.length === 0 ? (
            <EmptyState
              compact
              icon="send"
              title="No sending accounts yet"
              description="Connect the mailbox this campaign sends from."
              action={
                <Link to="/senders" className={buttonClassName('primary', 'sm')}>
                  Connect a mailbox
                </Link>
              }
            />
          ) : (
            <ul className="choice-list" aria-label="Sending accounts">
              {senders.data.map((sender) => {
                const status = displayStatus(sender);
                const error = errors[`senderIds.${senderIds.indexOf(sender.id)}`];
                return (
                  <li key={sender.id} className="sender-choice">
                    <Checkbox
                      label={sender.email}
                      description={
                        error ?? `${kindLabel[sender.kind]}${sender.fromName ? ` · ${sender.fromName}` : ''} · up to ${sender.todayCap.toLocaleString()} emails today`
                      }
                      checked={senderIds.includes(sender.id)}
                      disabled={disabled}
                      aria-invalid={error ? true : undefined}
                      onChange={(event) => toggle(sender.id, event.target.checked)}
                    />
                    <Badge tone={statusTone[status]} dot>
                      {statusLabel[status]}
                    </Badge>
                  </li>
                );
              })}
            </ul>
          )}
        </CardBody>
      </Card>
    </div>
  );
}
