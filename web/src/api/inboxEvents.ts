import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from './client';
import { queryKeys } from './queryKeys';

// One EventSource per tab, shared by everything that wants live inbox updates (the nav badge,
// the inbox page): each update refreshes the inbox queries, which refetch what is on screen.

const RECONNECT_MIN_MS = 2_000;
const RECONNECT_MAX_MS = 60_000;

interface Connection {
  workspaceId: string;
  users: number;
  source: EventSource | null;
  timer: ReturnType<typeof setTimeout> | null;
  delay: number;
  closed: boolean;
}

let current: Connection | null = null;

function refresh(queryClient: QueryClient, workspaceId: string) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.inbox(workspaceId) });
}

function open(connection: Connection, queryClient: QueryClient) {
  if (connection.closed) return;
  // EventSource cannot send headers: the workspace travels in the query, the session in its cookie.
  const source = new EventSource(`/api/v1/inbox/events?workspaceId=${encodeURIComponent(connection.workspaceId)}`);
  connection.source = source;
  // `ready` comes on every (re)connect: whatever happened while disconnected is fetched again.
  source.addEventListener('ready', () => {
    connection.delay = RECONNECT_MIN_MS;
    refresh(queryClient, connection.workspaceId);
  });
  source.addEventListener('conversation.updated', () => refresh(queryClient, connection.workspaceId));
  source.addEventListener('inbox.resync', () => refresh(queryClient, connection.workspaceId));
  source.onerror = () => {
    // The browser retries by itself after a dropped stream; a refused one (401 after the session
    // expired, 5xx) closes it for good, so renew the session and start again, backing off.
    if (source.readyState !== EventSource.CLOSED || connection.closed) return;
    connection.source = null;
    connection.timer = setTimeout(() => {
      connection.timer = null;
      api.get('/me', { sendWorkspace: false }).catch(() => undefined).finally(() => open(connection, queryClient));
    }, connection.delay);
    connection.delay = Math.min(connection.delay * 2, RECONNECT_MAX_MS);
  };
}

function close(connection: Connection) {
  connection.closed = true;
  connection.source?.close();
  if (connection.timer) clearTimeout(connection.timer);
}

/** Keeps the inbox queries of the workspace fresh while the calling component is mounted. */
export function useInboxLiveUpdates(workspaceId: string) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    // Switching workspaces replaces the stream; everyone on the page follows the same workspace.
    if (!current || current.workspaceId !== workspaceId) {
      if (current) close(current);
      current = { workspaceId, users: 0, source: null, timer: null, delay: RECONNECT_MIN_MS, closed: false };
      open(current, queryClient);
    }
    const mine = current;
    mine.users++;
    return () => {
      mine.users--;
      if (mine.users === 0) {
        close(mine);
        if (current === mine) current = null;
      }
    };
  }, [workspaceId, queryClient]);
}
