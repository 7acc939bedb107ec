import { useEffect, useRef } from 'react';
import type { ConversationMessage, HistoryItem } from '../../api/inbox';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Icon, type IconName } from '../ui/Icon';
import { channelName } from './inboxDisplay';

type Entry = { kind: 'thread'; message: ConversationMessage } | { kind: 'history'; item: HistoryItem };

const statusText: Partial<Record<ConversationMessage['status'], string>> = {
  queued: 'Waiting to send',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Seen',
  failed: 'Not sent',
  blocked: 'Blocked',
};

const eventText: Record<string, string> = {
  opened: 'Opened an email',
  clicked: 'Clicked a link',
  bounced: 'Email bounced',
  unsubscribed: 'Unsubscribed',
  complained: 'Marked an email as spam',
};

function When({ at }: { at: string }) {
  return (
    <time className="inbox-msg-time" dateTime={at} title={formatDateTime(at)}>
      {formatRelative(at)}
    </time>
  );
}

function ThreadMessage({ message, onRetry, retrying }: { message: ConversationMessage; onRetry: (id: string) => void; retrying: boolean }) {
  const out = message.direction === 'out';
  const problem = message.status === 'failed' || message.status === 'blocked';
  const who = out ? (message.sentBy?.name ?? message.fromName ?? 'You') : (message.fromName ?? message.fromAddress ?? 'Them');
  return (
    <li className={['inbox-msg', out ? 'inbox-msg-out' : 'inbox-msg-in', problem && 'inbox-msg-problem'].filter(Boolean).join(' ')}>
      <div className="inbox-msg-head">
        <span className="inbox-msg-from">{who}</span>
        {message.campaign && (
          <Badge tone="accent">
            {message.campaign.name}
            {message.campaign.step ? ` · step ${message.campaign.step}` : ''}
          </Badge>
        )}
        {message.autoReply && <Badge tone="warning">Auto-reply</Badge>}
        {message.tag && <Badge>{message.tag}</Badge>}
        <When at={message.occurredAt} />
      </div>
      {message.subject && <p className="inbox-msg-subject">{message.subject}</p>}
      {message.text && <p className="inbox-msg-text">{message.text}</p>}
      {message.attachments.length > 0 && (
        <ul className="inbox-msg-attachments">
          {message.attachments.map((a, i) => (
            <li key={i}>
              <Icon name="fileText" size={13} />
              {a.url ? (
                <a href={a.url} target="_blank" rel="noreferrer noopener">
                  {a.type}
                </a>
              ) : (
                a.type
              )}
            </li>
          ))}
        </ul>
      )}
      {out && statusText[message.status] && (
        <p className={problem ? 'inbox-msg-status inbox-msg-status-problem' : 'inbox-msg-status'}>
          {statusText[message.status]}
          {message.error && <span>: {message.error}</span>}
          {message.status === 'queued' && (
            <Button size="sm" variant="ghost" icon="refresh" loading={retrying} onClick={() => onRetry(message.id)}>
              Retry now
            </Button>
          )}
        </p>
      )}
    </li>
  );
}

function HistoryEntry({ item }: { item: HistoryItem }) {
  if (item.kind === 'event') {
    return (
      <li className="inbox-history inbox-history-event">
        <Icon name="activity" size={13} />
        <span>
          {eventText[item.type] ?? item.type}
          {item.campaign && ` · ${item.campaign.name}`}
          {item.detail && <span className="muted"> · {item.detail}</span>}
        </span>
        <When at={item.occurredAt} />
      </li>
    );
  }
  if (item.kind === 'campaign_message') {
    return <HistoryMessage item={item} icon="mail" from={`${item.campaign.name} · step ${item.step}`} />;
  }
  return (
    <HistoryMessage
      item={item}
      icon={item.channel === 'email' ? 'mail' : 'send'}
      from={`${item.direction === 'in' ? (item.fromName ?? 'Them') : 'You'} on ${channelName[item.channel]}`}
    />
  );
}

interface ThreadTimelineProps {
  messages: ConversationMessage[];
  /** The contact's other threads, campaign mail and events, merged in by time when given. */
  history: HistoryItem[] | null;
  onRetry: (messageId: string) => void;
  retryingId: string | null;
}

/** Oldest first, newest at the bottom (where it scrolls to when something new arrives). */
export function ThreadTimeline({ messages, history, onRetry, retryingId }: ThreadTimelineProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const entries: Entry[] = [
    ...messages.map((message): Entry => ({ kind: 'thread', message })),
    ...(history ?? []).map((item): Entry => ({ kind: 'history', item })),
  ].sort((a, b) => (a.kind === 'thread' ? a.message.occurredAt : a.item.occurredAt).localeCompare(b.kind === 'thread' ? b.message.occurredAt : b.item.occurredAt));
  const last = messages.at(-1)?.id;

  // Only the thread scrolls, not the page around it.
  useEffect(() => {
    const box = scrollRef.current;
    if (box) box.scrollTop = box.scrollHeight;
  }, [last, history]);

  return (
    <div className="inbox-thread-scroll" ref={scrollRef}>
      <ol className="inbox-thread" aria-label="Messages">
        {entries.map((entry) =>
          entry.kind === 'thread' ? (
            <ThreadMessage key={entry.message.id} message={entry.message} onRetry={onRetry} retrying={retryingId === entry.message.id} />
          ) : (
            <HistoryEntry key={`${entry.item.kind}-${entry.item.id}`} item={entry.item} />
          ),
        )}
      </ol>
    </div>
  );
}

/** A message from the contact's history: an earlier campaign email or another conversation. */
function HistoryMessage({ item, icon, from }: { item: { occurredAt: string; subject?: string | null; text?: string | null }; icon: IconName; from: string }) {
  return (
    <li className="inbox-history">
      <div className="inbox-msg-head">
        <Icon name={icon} size={13} />
        <span className="inbox-msg-from">{from}</span>
        <When at={item.occurredAt} />
      </div>
      {item.subject && <p className="inbox-msg-subject">{item.subject}</p>}
      {item.text && <p className="inbox-msg-text inbox-history-text">{item.text}</p>}
    </li>
  );
}
