import type { Conversation } from '../../api/inbox';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Avatar } from '../ui/Avatar';
import { Badge } from '../ui/Badge';
import { Icon } from '../ui/Icon';
import { channelIcon, channelName, contactLabel, labelName, labelTone } from './inboxDisplay';

interface ConversationListProps {
  conversations: Conversation[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}

/** Newest first; unread ones stand out with their count. */
export function ConversationList({ conversations, selectedId, onSelect }: ConversationListProps) {
  return (
    <ul className="inbox-list" aria-label="Conversations">
      {conversations.map((c) => {
        const name = contactLabel(c.contact);
        const selected = c.id === selectedId;
        const classes = ['inbox-item', selected && 'inbox-item-selected', c.unreadCount > 0 && 'inbox-item-unread', c.status === 'closed' && 'inbox-item-closed'];
        return (
          <li key={c.id}>
            <button type="button" className={classes.filter(Boolean).join(' ')} aria-current={selected ? 'true' : undefined} onClick={() => onSelect(c.id)}>
              <Avatar name={name} seed={c.contact.id} size="sm" />
              <span className="inbox-item-main">
                <span className="inbox-item-top">
                  <span className="inbox-item-name">{name}</span>
                  <time className="inbox-item-time" dateTime={c.lastMessageAt} title={formatDateTime(c.lastMessageAt)}>
                    {formatRelative(c.lastMessageAt)}
                  </time>
                </span>
                <span className="inbox-item-meta">
                  <Icon name={channelIcon[c.channel]} size={13} />
                  <span className="visually-hidden">{channelName[c.channel]}: </span>
                  <span className="inbox-item-account">{c.account?.label ?? `${channelName[c.channel]} (removed)`}</span>
                  {c.subject && <span className="inbox-item-subject"> · {c.subject}</span>}
                </span>
                <span className="inbox-item-preview">{c.lastPreview || ' '}</span>
                {(c.labels.length > 0 || c.assignee || c.status === 'closed') && (
                  <span className="inbox-item-tags">
                    {c.status === 'closed' && <Badge>Closed</Badge>}
                    {c.labels.map((label) => (
                      <Badge key={label} tone={labelTone[label]}>
                        {labelName[label]}
                      </Badge>
                    ))}
                    {c.assignee && (
                      <span className="inbox-item-assignee" title={`Assigned to ${c.assignee.name}`}>
                        <Icon name="user" size={12} />
                        {c.assignee.name}
                      </span>
                    )}
                  </span>
                )}
              </span>
              {c.unreadCount > 0 && (
                <span className="inbox-unread">
                  {c.unreadCount}
                  <span className="visually-hidden"> unread</span>
                </span>
              )}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
