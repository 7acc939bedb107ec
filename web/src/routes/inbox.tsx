import { useMemo } from 'react';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useCampaigns } from '../api/campaigns';
import { CONVERSATION_LABELS, useConversationPages, useFacebookPages, useInboxCounts, type InboxFilter } from '../api/inbox';
import { useInboxLiveUpdates } from '../api/inboxEvents';
import { useWorkspace } from '../api/me';
import { useMembers } from '../api/members';
import { useSenders } from '../api/senders';
import { ConversationList } from '../components/inbox/ConversationList';
import { ConversationView } from '../components/inbox/ConversationView';
import { channelName, labelName } from '../components/inbox/inboxDisplay';
import { PageHeader } from '../components/layout/PageHeader';
import { Button } from '../components/ui/Button';
import { Card } from '../components/ui/Card';
import { Checkbox } from '../components/ui/Checkbox';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { FilterSelect } from '../components/ui/FilterSelect';
import { LoadMoreFooter } from '../components/ui/LoadMore';
import { SearchInput } from '../components/ui/SearchInput';
import { SkeletonText } from '../components/ui/Skeleton';
import { pluralize } from '../lib/format';
import { useSearchBox } from '../lib/useSearchBox';
import type { InboxSearch } from './searchParams';

const PAGE_SIZE = 50;

/** URL search → API filter ("account" is one select over inboxes and pages). */
function filterOf(search: InboxSearch): InboxFilter {
  const [kind, id] = search.account?.split(':') ?? [];
  return {
    channel: search.channel,
    senderId: kind === 'sender' ? id : undefined,
    pageId: kind === 'page' ? id : undefined,
    campaignId: search.campaignId,
    status: search.status,
    unread: search.unread === 'true' ? true : undefined,
    label: search.label,
    assignee: search.assignee,
    q: search.q,
  };
}

export function InboxPage() {
  const { id: workspaceId } = useWorkspace();
  const search = useSearch({ from: '/app/inbox' });
  const navigate = useNavigate({ from: '/inbox' });
  useInboxLiveUpdates(workspaceId);

  const filter = useMemo(() => filterOf(search), [search]);
  const filtered = Object.values(filter).some((v) => v !== undefined);
  const pages = useConversationPages(workspaceId, filter, PAGE_SIZE);
  const counts = useInboxCounts(workspaceId);
  const senders = useSenders(workspaceId);
  const facebookPages = useFacebookPages(workspaceId);
  const campaigns = useCampaigns(workspaceId);
  const members = useMembers(workspaceId);

  const setSearch = (patch: Partial<InboxSearch>) => void navigate({ search: (prev: InboxSearch) => ({ ...prev, ...patch }), replace: true });
  const commitQuery = useMemo(() => (q: string) => void navigate({ search: (prev: InboxSearch) => ({ ...prev, q: q || undefined }), replace: true }), [navigate]);
  const [query, setQuery] = useSearchBox(search.q ?? '', commitQuery);

  const conversations = useMemo(() => pages.data?.pages.flatMap((page) => page.items) ?? [], [pages.data]);
  const select = (id: string | undefined) => void navigate({ search: (prev: InboxSearch) => ({ ...prev, c: id }) });

  function clearFilters() {
    setQuery('');
    void navigate({ search: (prev: InboxSearch) => ({ c: prev.c }), replace: true });
  }

  const accountOptions = [
    ...(senders.data ?? []).map((s) => ({ value: `sender:${s.id}`, label: s.email })),
    ...(facebookPages.data ?? []).map((p) => ({ value: `page:${p.id}`, label: `${p.name} (Messenger)` })),
  ];
  const campaignOptions = (campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }));
  const assigneeOptions = [
    { value: 'me', label: 'Me' },
    { value: 'unassigned', label: 'Nobody' },
    ...(members.data ?? []).map((m) => ({ value: m.userId, label: m.name })),
  ];
  const unread = counts.data?.unread ?? 0;

  return (
    <div className="page page-wide inbox-page">
      <PageHeader
        title="Inbox"
        description="Replies to your campaigns and Messenger conversations, in one place."
        documentTitle={unread ? `Inbox (${unread})` : 'Inbox'}
      />
      <div className={search.c ? 'inbox-layout inbox-layout-open' : 'inbox-layout'}>
        <Card className="inbox-list-card" aria-label="Conversations">
          <div className="inbox-toolbar" role="search" aria-label="Filter conversations">
            <SearchInput label="Search conversations" placeholder="Name, email or subject" value={query} onChange={setQuery} />
            <div className="toolbar-filters">
              <FilterSelect
                label="Channel"
                value={search.channel ?? ''}
                options={(['email', 'messenger'] as const).map((c) => ({ value: c, label: channelName[c] }))}
                onChange={(value) => setSearch({ channel: (value || undefined) as InboxSearch['channel'] })}
              />
              <FilterSelect label="Account" value={search.account ?? ''} options={accountOptions} onChange={(value) => setSearch({ account: value || undefined })} />
              <FilterSelect label="Campaign" anyLabel="Any" value={search.campaignId ?? ''} options={campaignOptions} onChange={(value) => setSearch({ campaignId: value || undefined })} />
              <FilterSelect
                label="Status"
                anyLabel="Any"
                value={search.status ?? ''}
                options={[{ value: 'open', label: 'Open' }, { value: 'closed', label: 'Closed' }]}
                onChange={(value) => setSearch({ status: (value || undefined) as InboxSearch['status'] })}
              />
              <FilterSelect
                label="Label"
                anyLabel="Any"
                value={search.label ?? ''}
                options={CONVERSATION_LABELS.map((l) => ({ value: l, label: labelName[l] }))}
                onChange={(value) => setSearch({ label: (value || undefined) as InboxSearch['label'] })}
              />
              <FilterSelect label="Assigned to" anyLabel="Anyone" value={search.assignee ?? ''} options={assigneeOptions} onChange={(value) => setSearch({ assignee: value || undefined })} />
              <Checkbox label="Unread only" checked={search.unread === 'true'} onChange={(event) => setSearch({ unread: event.target.checked ? 'true' : undefined })} />
              {filtered && (
                <Button variant="ghost" size="sm" icon="close" onClick={clearFilters}>
                  Clear filters
                </Button>
              )}
            </div>
          </div>
          <p className="toolbar-summary" role="status" aria-live="polite">
            {counts.data ? (unread ? `${pluralize(unread, 'conversation')} with unread messages` : 'All caught up') : ' '}
          </p>
          {pages.isPending ? (
            <div className="inbox-list-loading" aria-label="Loading conversations">
              <SkeletonText lines={8} />
            </div>
          ) : pages.isError && !pages.data ? (
            <ErrorState title="Couldn't load conversations" error={pages.error} onRetry={() => void pages.refetch()} retrying={pages.isFetching} />
          ) : conversations.length === 0 ? (
            filtered ? (
              <EmptyState
                icon="search"
                title="No conversations match"
                description="Try a different search, or clear the filters."
                action={
                  <Button icon="close" onClick={clearFilters}>
                    Clear filters
                  </Button>
                }
              />
            ) : (
              <EmptyState
                icon="inbox"
                title="No conversations yet"
                description="Replies to your campaigns and messages to your Facebook pages show up here as they arrive."
              />
            )
          ) : (
            <>
              <ConversationList conversations={conversations} selectedId={search.c} onSelect={select} />
              <LoadMoreFooter
                summary={`${pluralize(conversations.length, 'conversation')} shown`}
                query={pages}
              />
            </>
          )}
        </Card>
        <Card className="inbox-thread-card">
          {search.c ? (
            <ConversationView key={search.c} workspaceId={workspaceId} conversationId={search.c} onBack={() => select(undefined)} />
          ) : (
            <EmptyState icon="mail" title="Pick a conversation" description="Its messages, the contact's history on every channel and the reply box open here." />
          )}
        </Card>
      </div>
    </div>
  );
}
