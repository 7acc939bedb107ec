import { useInboxCounts } from '../../api/inbox';
import { useInboxLiveUpdates } from '../../api/inboxEvents';
import { useWorkspace } from '../../api/me';

/** Unread conversations beside "Inbox" in the nav; kept live by the inbox event stream. */
export function InboxNavBadge() {
  const { id: workspaceId } = useWorkspace();
  useInboxLiveUpdates(workspaceId);
  const counts = useInboxCounts(workspaceId);
  const unread = counts.data?.unread ?? 0;
  if (!unread) return null;
  return (
    <span className="nav-badge">
      {unread > 99 ? '99+' : unread}
      <span className="visually-hidden"> unread</span>
    </span>
  );
}
