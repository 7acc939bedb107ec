import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, apiUrl } from './client';
import { queryKeys } from './queryKeys';
import type {
  BulkActionInput,
  BulkSelection,
  Contact,
  ContactDataExport,
  ContactFilter,
  ContactSort,
  ContactWrite,
  Page,
  SortOrder,
} from './types';

export interface ContactPageParams extends ContactFilter {
  sort: ContactSort;
  order: SortOrder;
}

const contactPath = (id: string) => `/contacts/${encodeURIComponent(id)}`;

/** Only the filters the API knows, with empty values dropped (they'd fail its validation). */
export function cleanFilter(filter: ContactFilter): ContactFilter {
  const out: ContactFilter = {};
  if (filter.q?.trim()) out.q = filter.q.trim();
  if (filter.listId) out.listId = filter.listId;
  if (filter.segmentId) out.segmentId = filter.segmentId;
  if (filter.tag) out.tag = filter.tag;
  if (filter.status) out.status = filter.status;
  return out;
}

export const listContacts = (params: ContactPageParams & { cursor: string | null; limit: number }, signal?: AbortSignal) =>
  api.get<Page<Contact>>('/contacts', { query: { ...cleanFilter(params), sort: params.sort, order: params.order, cursor: params.cursor, limit: params.limit }, signal });

/** A count as the server shows it: exact, or (exact false) the last exact count, taken at countedAt. */
export interface ShownCount {
  count: number;
  exact: boolean;
  countedAt: string;
}

export const countContactsShown = (filter: ContactFilter, signal?: AbortSignal) =>
  api.get<ShownCount>('/contacts/count', { query: { ...cleanFilter(filter) }, signal });

export const countContacts = (filter: ContactFilter, signal?: AbortSignal) => countContactsShown(filter, signal).then((r) => r.count);

export const getContact = (id: string) => api.get<Contact>(contactPath(id));
export const createContact = (input: ContactWrite & { email: string }) => api.post<Contact>('/contacts', input);
export const updateContact = (id: string, input: ContactWrite) => api.patch<Contact>(contactPath(id), input);
export const bulkContacts = (selection: BulkSelection, action: BulkActionInput) =>
  api.post<{ affected: number }>('/contacts/bulk', { ...selection, ...action });
export const getContactData = (id: string) => api.get<ContactDataExport>(`${contactPath(id)}/gdpr-export`);
export const eraseContact = (id: string) => api.post<void>(`${contactPath(id)}/erase`);

/** Streams as a file download: used as a plain link so the browser writes it to disk as it arrives. */
export const contactsExportUrl = (filter: ContactFilter) => apiUrl('/contacts/export', { ...cleanFilter(filter) });

/** Anything that changes contacts also changes list and segment sizes. */
export function invalidateContactData(queryClient: QueryClient, workspaceId: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: queryKeys.contacts(workspaceId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.lists(workspaceId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.segments(workspaceId) }),
  ]);
}

export function useContactPages(workspaceId: string, params: ContactPageParams, pageSize: number) {
  return useInfiniteQuery({
    queryKey: queryKeys.contactPages(workspaceId, params, pageSize),
    queryFn: ({ pageParam, signal }) => listContacts({ ...params, cursor: pageParam, limit: pageSize }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    // Changing a filter or the sort keeps the old rows on screen (dimmed) until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

export function useContactCount(workspaceId: string, filter: ContactFilter, enabled = true) {
  const clean = cleanFilter(filter);
  return useQuery({
    queryKey: queryKeys.contactCount(workspaceId, clean),
    queryFn: ({ signal }) => countContactsShown(clean, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** Every tag in use in the workspace (GET /contacts/tags), for the filter and bulk-tag pickers. */
export function useKnownTags(workspaceId: string) {
  return useQuery({
    queryKey: queryKeys.knownTags(workspaceId),
    queryFn: async () => {
      const res = await api.get<{ items: { tag: string; count: number }[] }>('/contacts/tags');
      return res.items.map((t) => t.tag).sort((a, b) => a.localeCompare(b));
    },
    staleTime: 60_000,
  });
}

export function useContact(workspaceId: string, id: string) {
  return useQuery({ queryKey: queryKeys.contact(workspaceId, id), queryFn: () => getContact(id) });
}

export const getContactActivity = (id: string) => api.get<Pick<ContactDataExport, 'events' | 'lists'>>(`${contactPath(id)}/activity`);

/** The contact's timeline and list memberships; readable by every role, and not an audited export. */
export function useContactActivity(workspaceId: string, id: string) {
  return useQuery({ queryKey: queryKeys.contactData(workspaceId, id), queryFn: () => getContactActivity(id), staleTime: 30_000 });
}

export function useCreateContact(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createContact,
    onSuccess: () => invalidateContactData(queryClient, workspaceId),
  });
}

export function useUpdateContact(workspaceId: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ContactWrite) => updateContact(id, input),
    onSuccess: (contact) => {
      queryClient.setQueryData(queryKeys.contact(workspaceId, id), contact);
      return invalidateContactData(queryClient, workspaceId);
    },
  });
}

export function useBulkContacts(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ selection, action }: { selection: BulkSelection; action: BulkActionInput }) => bulkContacts(selection, action),
    onSuccess: () => invalidateContactData(queryClient, workspaceId),
  });
}

export function useEraseContact(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: eraseContact,
    onSuccess: (_void, id) => {
      // Dropped before anything refetches them: an erased contact answers 404.
      queryClient.removeQueries({ queryKey: queryKeys.contact(workspaceId, id) });
      queryClient.removeQueries({ queryKey: queryKeys.contactData(workspaceId, id) });
      return invalidateContactData(queryClient, workspaceId);
    },
  });
}
