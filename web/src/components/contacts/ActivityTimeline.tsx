import type { ContactEvent, ContactEventType } from '../../api/types';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Icon, type IconName } from '../ui/Icon';

type Tone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

const eventInfo: Record<ContactEventType, { label: string; icon: IconName; tone: Tone }> = {
  sent: { label: 'Message sent', icon: 'send', tone: 'neutral' },
  delivered: { label: 'Delivered', icon: 'check', tone: 'neutral' },
  opened: { label: 'Opened the message', icon: 'mailOpen', tone: 'accent' },
  clicked: { label: 'Clicked a link', icon: 'pointer', tone: 'accent' },
  replied: { label: 'Replied', icon: 'reply', tone: 'success' },
  bounced: { label: 'Bounced', icon: 'alert', tone: 'warning' },
  unsubscribed: { label: 'Unsubscribed', icon: 'ban', tone: 'neutral' },
  complained: { label: 'Marked as spam', icon: 'flag', tone: 'danger' },
  received: { label: 'Message received', icon: 'inbox', tone: 'success' },
  read: { label: 'Read the message', icon: 'eye', tone: 'accent' },
};

const channelLabel: Record<string, string> = { email: 'Email', messenger: 'Messenger' };

function detail(event: ContactEvent): string | null {
  const { metadata } = event;
  for (const key of ['subject', 'url', 'reason', 'text']) {
    const value = metadata[key];
    if (typeof value === 'string' && value.trim()) return value.length > 140 ? `${value.slice(0, 140)}…` : value;
  }
  return null;
}

/** Newest first; each event with an icon for its kind, the channel and the time. */
export function ActivityTimeline({ events }: { events: ContactEvent[] }) {
  const ordered = [...events].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
  return (
    <ol className="timeline" aria-label="Activity">
      {ordered.map((event, index) => {
        const info = eventInfo[event.type] ?? { label: event.type, icon: 'activity' as IconName, tone: 'neutral' as Tone };
        const text = detail(event);
        return (
          <li key={`${event.occurredAt}-${index}`} className="timeline-item">
            <span className={`timeline-icon timeline-icon-${info.tone}`} aria-hidden="true">
              <Icon name={info.icon} size={14} />
            </span>
            <div className="timeline-content">
              <p className="timeline-title">
                {info.label}
                {event.channel && <span className="timeline-channel"> · {channelLabel[event.channel] ?? event.channel}</span>}
              </p>
              {text && <p className="timeline-detail">{text}</p>}
              <p className="timeline-time">
                <time dateTime={event.occurredAt} title={formatDateTime(event.occurredAt)}>
                  {formatRelative(event.occurredAt)}
                </time>
              </p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
