import { useMemo, useState, type MouseEvent } from 'react';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { cleanFilter, contactsExportUrl, countContacts, useBulkContacts, useContactCount, useContactPages, useKnownTags } from '../api/contacts';
import { prepareDownload } from '../api/downloads';
import { errorMessage } from '../api/errors';
import { useLists, useSegments } from '../api/lists';
import { useWorkspace } from '../api/me';
import type { BulkSelection, ContactFilter, ContactSort, SortOrder } from '../api/types';
import { AddContactDialog } from '../components/contacts/AddContactDialog';
import { BulkAddToListDialog, BulkTagDialog } from '../components/contacts/BulkDialogs';
import { CONTACT_STATUSES, statusLabel } from '../components/contacts/contactDisplay';
import { ContactsTable } from '../components/contacts/ContactsTable';
import { PageHeader } from '../components/layout/PageHeader';
import { Button, buttonClassName } from '../components/ui/Button';
import { Card } from '../components/ui/Card';
import { ConfirmDialog } from '../components/ui/ConfirmDialog';
import { EmptyState } from '../components/ui/EmptyState';
import { ErrorState } from '../components/ui/ErrorState';
import { FilterSelect } from '../components/ui/FilterSelect';
import { Icon } from '../components/ui/Icon';
import { LoadMoreFooter } from '../components/ui/LoadMore';
import { SearchInput } from '../components/ui/SearchInput';
import { Skeleton } from '../components/ui/Skeleton';
import { TableSkeleton } from '../components/ui/Table';
import { useToast } from '../components/ui/Toast';
import { formatRelative, pluralize } from '../lib/format';
import { permissions } from '../lib/permissions';
import { useSearchBox } from '../lib/useSearchBox';
import type { ContactsSearch } from './searchParams';

const PAGE_SIZE = 50;

/** Text columns read best A→Z; dates newest first. */
const defaultOrder = (sort: ContactSort): SortOrder => (sort === 'createdAt' || sort === 'updatedAt' ? 'desc' : 'asc');

type BulkDialog = 'list' | 'tag' | 'unsubscribe' | 'delete' | null;

function ExportLink({ workspaceId, filter }: { workspaceId: string; filter: ContactFilter }) {
  const toast = useToast();
  const [preparing, setPreparing] = useState(false);
  const href = contactsExportUrl(filter);

  async function onClick(event: MouseEvent<HTMLAnchorElement>) {
    // Modified clicks (new tab, save link as) are left to the browser.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    if (preparing) return;
    setPreparing(true);
    try {
      await prepareDownload(workspaceId, () => countContacts(filter));
      window.location.assign(href);
    } catch (error) {
      toast.error("Couldn't export contacts", errorMessage(error));
    } finally {
      setPreparing(false);
    }
  }

  return (
    <a href={href} className={buttonClassName('secondary')} onClick={(event) => void onClick(event)} aria-busy={preparing || undefined}>
      <Icon name="download" />
      <span>Export CSV</span>
    </a>
  );
}

export function ContactsPage() {
  const { id: workspaceId, name: workspaceName, role } = useWorkspace();
  const search = useSearch({ from: '/app/contacts' });
  const navigate = useNavigate({ from: '/contacts' });
  const toast = useToast();

  const sort: ContactSort = search.sort ?? 'createdAt';
  const order: SortOrder = search.order ?? defaultOrder(sort);
  const filter = useMemo<ContactFilter>(
    () => cleanFilter({ q: search.q, listId: search.listId, segmentId: search.segmentId, tag: search.tag, status: search.status }),
    [search.q, search.listId, search.segmentId, search.tag, search.status],
  );
  const filtered = Object.keys(filter).length > 0;

  const setSearch = (patch: Partial<ContactsSearch>) =>
    void navigate({ search: (prev: ContactsSearch) => ({ ...prev, ...patch }), replace: true });

  const commitQuery = useMemo(
    () => (q: string) => void navigate({ search: (prev: ContactsSearch) => ({ ...prev, q: q || undefined }), replace: true }),
    [navigate],
  );
  const [query, setQuery] = useSearchBox(search.q ?? '', commitQuery);

  const pages = useContactPages(workspaceId, { ...filter, sort, order }, PAGE_SIZE);
  const count = useContactCount(workspaceId, filter);
  const lists = useLists(workspaceId);
  const segments = useSegments(workspaceId);
  const knownTags = useKnownTags(workspaceId);
  const bulk = useBulkContacts(workspaceId);

  const contacts = useMemo(() => pages.data?.pages.flatMap((page) => page.items) ?? [], [pages.data]);
  const total = count.data?.count;

  // Selection: explicit rows, or every contact the filters match. A new filter starts over.
  const filterKey = JSON.stringify(filter);
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [selectionKey, setSelectionKey] = useState(filterKey);
  if (selectionKey !== filterKey) {
    setSelectionKey(filterKey);
    setSelected(new Set());
    setAllMatching(false);
  }

  const [adding, setAdding] = useState(false);
  const [bulkDialog, setBulkDialog] = useState<BulkDialog>(null);

  const selectableIds = contacts.filter((c) => c.status !== 'erased').map((c) => c.id);
  const selectedOnPage = selectableIds.filter((id) => selected.has(id)).length;
  const pageSelection = allMatching || (selectableIds.length > 0 && selectedOnPage === selectableIds.length) ? 'all' : selectedOnPage > 0 ? 'some' : 'none';
  const selectedCount = allMatching ? (total ?? 0) : selected.size;
  const selection: BulkSelection = allMatching ? { filter } : { ids: [...selected] };
  const hasSelection = allMatching || selected.size > 0;

  function clearSelection() {
    setSelected(new Set());
    setAllMatching(false);
  }

  function toggle(id: string, on: boolean) {
    setAllMatching(false);
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  function togglePage(on: boolean) {
    if (!on) {
      clearSelection();
      return;
    }
    setSelected(new Set(selectableIds));
  }

  function onSort(key: ContactSort) {
    const nextOrder = key === sort ? (order === 'asc' ? 'desc' : 'asc') : defaultOrder(key);
    setSearch({ sort: key, order: nextOrder });
  }

  function clearFilters() {
    setQuery('');
    void navigate({ search: (prev: ContactsSearch) => ({ sort: prev.sort, order: prev.order }), replace: true });
  }

  function runDestructive(action: 'unsubscribe' | 'delete') {
    bulk.mutate(
      { selection, action: { action } },
      {
        onSuccess: ({ affected }) => {
          clearSelection();
          if (action === 'delete') toast.success(`Deleted ${pluralize(affected, 'contact')}`);
          else toast.success(`Unsubscribed ${pluralize(affected, 'contact')}`, 'Their addresses were added to the suppression list.');
        },
        onError: (error) => toast.error(action === 'delete' ? "Couldn't delete contacts" : "Couldn't unsubscribe contacts", errorMessage(error)),
        onSettled: () => setBulkDialog(null),
      },
    );
  }

  const tagOptions = useMemo(() => {
    const all = new Set(knownTags.data ?? []);
    for (const contact of contacts) for (const tag of contact.tags) all.add(tag);
    if (search.tag) all.add(search.tag);
    return [...all].sort((a, b) => a.localeCompare(b)).map((tag) => ({ value: tag, label: tag }));
  }, [knownTags.data, contacts, search.tag]);

  const listOptions = (lists.data ?? []).map((list) => ({ value: list.id, label: list.name }));
  if (search.listId && !listOptions.some((o) => o.value === search.listId)) listOptions.push({ value: search.listId, label: lists.isPending ? 'Loading…' : 'Unknown list' });
  const segmentOptions = (segments.data ?? []).map((segment) => ({ value: segment.id, label: segment.name }));
  if (search.segmentId && !segmentOptions.some((o) => o.value === search.segmentId))
    segmentOptions.push({ value: search.segmentId, label: segments.isPending ? 'Loading…' : 'Unknown segment' });

  const canExport = permissions.exportContacts(role);
  const showEmptyWorkspace = !filtered && pages.isSuccess && contacts.length === 0 && !pages.isPlaceholderData;

  return (
    <div className="page page-wide">
      <PageHeader
        title="Contacts"
        description={`Everyone you can reach from ${workspaceName}.`}
        actions={
          <>
            <Link to="/contacts/import" className={buttonClassName('secondary')}>
              <Icon name="upload" />
              <span>Import CSV</span>
            </Link>
            {canExport && <ExportLink workspaceId={workspaceId} filter={filter} />}
            <Button variant="primary" icon="userPlus" onClick={() => setAdding(true)}>
              Add contact
            </Button>
          </>
        }
      />

      <Card aria-label="Contacts" className="contacts-card">
        <div className="toolbar" role="search" aria-label="Filter contacts">
          <SearchInput
            className="toolbar-search"
            label="Search contacts"
            placeholder="Search by name, email or company"
            value={query}
            onChange={setQuery}
          />
          <div className="toolbar-filters">
            <FilterSelect label="List" value={search.listId ?? ''} options={listOptions} onChange={(value) => setSearch({ listId: value || undefined })} />
            <FilterSelect
              label="Segment"
              value={search.segmentId ?? ''}
              options={segmentOptions}
              onChange={(value) => setSearch({ segmentId: value || undefined })}
            />
            <FilterSelect label="Tag" anyLabel="Any" value={search.tag ?? ''} options={tagOptions} onChange={(value) => setSearch({ tag: value || undefined })} />
            <FilterSelect
              label="Status"
              anyLabel="Any"
              value={search.status ?? ''}
              options={CONTACT_STATUSES.map((status) => ({ value: status, label: statusLabel[status] }))}
              onChange={(value) => setSearch({ status: (value || undefined) as ContactsSearch['status'] })}
            />
            {filtered && (
              <Button variant="ghost" icon="close" onClick={clearFilters}>
                Clear filters
              </Button>
            )}
          </div>
        </div>

        <div className="toolbar-summary" role="status" aria-live="polite">
          {count.isPending ? (
            <Skeleton width={120} height={14} />
          ) : count.isError ? (
            <span className="muted">Couldn't count contacts.</span>
          ) : (
            <span>
              <strong>{(total ?? 0).toLocaleString()}</strong> {filtered ? ((total ?? 0) === 1 ? 'contact matches' : 'contacts match') : (total ?? 0) === 1 ? 'contact' : 'contacts'}
              {count.data && !count.data.exact ? <span className="muted"> (counted {formatRelative(count.data.countedAt)}; recounting)</span> : null}
            </span>
          )}
        </div>

        {hasSelection && (
          <div className="selection-bar" role="region" aria-label="Bulk actions">
            <div className="selection-summary">
              <strong>{allMatching ? `All ${selectedCount.toLocaleString()} matching contacts` : `${selectedCount.toLocaleString()} selected`}</strong>
              {!allMatching && pageSelection === 'all' && total !== undefined && total > selected.size && (
                <Button size="sm" variant="ghost" onClick={() => setAllMatching(true)}>
                  Select all matching ({total.toLocaleString()})
                </Button>
              )}
              <Button size="sm" variant="ghost" onClick={clearSelection}>
                Clear selection
              </Button>
            </div>
            <div className="selection-actions">
              <Button size="sm" icon="list" onClick={() => setBulkDialog('list')}>
                Add to list
              </Button>
              <Button size="sm" icon="tag" onClick={() => setBulkDialog('tag')}>
                Tag
              </Button>
              <Button size="sm" icon="ban" onClick={() => setBulkDialog('unsubscribe')}>
                Unsubscribe
              </Button>
              <Button size="sm" variant="danger" icon="trash" onClick={() => setBulkDialog('delete')}>
                Delete
              </Button>
            </div>
          </div>
        )}

        {pages.isPending ? (
          <TableSkeleton columns={8} rows={8} label="Loading contacts" />
        ) : pages.isError && !pages.data ? (
          <ErrorState title="Couldn't load contacts" error={pages.error} onRetry={() => void pages.refetch()} retrying={pages.isFetching} />
        ) : showEmptyWorkspace ? (
          <EmptyState
            icon="contacts"
            title="No contacts yet"
            description="Import a CSV from your CRM or spreadsheet, or add people one by one."
            action={
              <div className="empty-state-actions">
                <Link to="/contacts/import" className={buttonClassName('primary')}>
                  <Icon name="upload" />
                  <span>Import contacts from CSV</span>
                </Link>
                <Button icon="userPlus" onClick={() => setAdding(true)}>
                  Add one contact
                </Button>
              </div>
            }
          />
        ) : contacts.length === 0 ? (
          <EmptyState
            icon="search"
            title="No contacts match"
            description="Try a different search, or clear the filters to see everyone."
            action={
              <Button icon="close" onClick={clearFilters}>
                Clear filters
              </Button>
            }
          />
        ) : (
          <>
            <ContactsTable
              contacts={contacts}
              sort={sort}
              order={order}
              onSort={onSort}
              isSelected={(id) => allMatching || selected.has(id)}
              onToggle={toggle}
              pageSelection={pageSelection}
              onTogglePage={togglePage}
              stale={pages.isPlaceholderData}
            />
            <LoadMoreFooter
              summary={`Showing ${contacts.length.toLocaleString()}${total !== undefined ? ` of ${total.toLocaleString()}` : ''}`}
              query={pages}
              endMessage={contacts.length > PAGE_SIZE ? "That's everyone." : undefined}
            />
          </>
        )}
      </Card>

      {adding && <AddContactDialog workspaceId={workspaceId} onClose={() => setAdding(false)} />}
      {bulkDialog === 'list' && (
        <BulkAddToListDialog
          workspaceId={workspaceId}
          selection={selection}
          count={selectedCount}
          onClose={() => setBulkDialog(null)}
          onDone={() => {
            setBulkDialog(null);
            clearSelection();
          }}
        />
      )}
      {bulkDialog === 'tag' && (
        <BulkTagDialog
          workspaceId={workspaceId}
          selection={selection}
          count={selectedCount}
          knownTags={tagOptions.map((o) => o.value)}
          onClose={() => setBulkDialog(null)}
          onDone={() => {
            setBulkDialog(null);
            clearSelection();
          }}
        />
      )}
      <ConfirmDialog
        open={bulkDialog === 'unsubscribe'}
        title={`Unsubscribe ${pluralize(selectedCount, 'contact')}?`}
        description="They won't receive campaigns any more, and their addresses are added to the suppression list. Only an admin can remove a suppression later."
        confirmLabel="Unsubscribe contacts"
        pending={bulk.isPending}
        onConfirm={() => runDestructive('unsubscribe')}
        onCancel={() => setBulkDialog(null)}
      />
      <ConfirmDialog
        open={bulkDialog === 'delete'}
        title={`Delete ${pluralize(selectedCount, 'contact')}?`}
        description="Their details, tags and list memberships are removed. This can't be undone. To also block the addresses from being imported again, unsubscribe them instead."
        confirmLabel="Delete contacts"
        pending={bulk.isPending}
        onConfirm={() => runDestructive('delete')}
        onCancel={() => setBulkDialog(null)}
      />
    </div>
  );
}
