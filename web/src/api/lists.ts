import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { countContactsShown } from './contacts';
import { queryKeys } from './queryKeys';
import type { ContactList, CustomField, ItemList, Segment, SegmentFilter } from './types';

const listPath = (id: string) => `/lists/${encodeURIComponent(id)}`;
const segmentPath = (id: string) => `/segments/${encodeURIComponent(id)}`;

export const listLists = () => api.get<ItemList<ContactList>>('/lists').then((r) => r.items);
export const createList = (input: { name: string }) => api.post<ContactList>('/lists', input);
export const renameList = (id: string, name: string) => api.patch<ContactList>(listPath(id), { name });
export const deleteList = (id: string) => api.delete(listPath(id));

export const listSegments = () => api.get<ItemList<Segment>>('/segments').then((r) => r.items);
export const getSegment = (id: string) => api.get<Segment>(segmentPath(id));
export const createSegment = (input: { name: string; filter: SegmentFilter }) => api.post<Segment>('/segments', input);
export const updateSegment = (id: string, input: { name?: string; filter?: SegmentFilter }) => api.patch<Segment>(segmentPath(id), input);
export const deleteSegment = (id: string) => api.delete(segmentPath(id));
export const previewSegment = (filter: SegmentFilter, signal?: AbortSignal) =>
  api.post<{ contactCount: number }>('/segments/preview', { filter }, { signal }).then((r) => r.contactCount);

export const listContactFields = () => api.get<ItemList<CustomField>>('/contact-fields').then((r) => r.items);

export function useLists(workspaceId: string) {
  return useQuery({ queryKey: queryKeys.lists(workspaceId), queryFn: listLists });
}

export function useCreateList(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createList,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.lists(workspaceId) }),
  });
}

export function useRenameList(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) => renameList(id, name),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.lists(workspaceId) }),
  });
}

export function useDeleteList(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteList,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.lists(workspaceId) }),
        // Segments may reference the list; their sizes change with it.
        queryClient.invalidateQueries({ queryKey: queryKeys.segments(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.contacts(workspaceId) }),
      ]),
  });
}

export function useSegments(workspaceId: string) {
  return useQuery({ queryKey: queryKeys.segments(workspaceId), queryFn: listSegments });
}

export function useSegment(workspaceId: string, id: string) {
  return useQuery({ queryKey: queryKeys.segment(workspaceId, id), queryFn: () => getSegment(id) });
}

/** Segment sizes are computed on demand, one count per segment. */
export function useSegmentSize(workspaceId: string, segmentId: string) {
  return useQuery({
    queryKey: queryKeys.contactCount(workspaceId, { segmentId }),
    queryFn: ({ signal }) => countContactsShown({ segmentId }, signal),
  });
}

export function useSegmentPreview(workspaceId: string, filter: SegmentFilter | null) {
  const json = filter ? JSON.stringify(filter) : '';
  return useQuery({
    queryKey: queryKeys.segmentPreview(workspaceId, json),
    queryFn: ({ signal }) => previewSegment(filter!, signal),
    enabled: filter !== null,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

export function useSaveSegment(workspaceId: string, id: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; filter: SegmentFilter }) => (id ? updateSegment(id, input) : createSegment(input)),
    onSuccess: (segment) => {
      queryClient.setQueryData(queryKeys.segment(workspaceId, segment.id), segment);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.segments(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.contacts(workspaceId) }),
      ]);
    },
  });
}

export function useDeleteSegment(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSegment,
    onSuccess: (_void, id) => {
      queryClient.removeQueries({ queryKey: queryKeys.segment(workspaceId, id) });
      return queryClient.invalidateQueries({ queryKey: queryKeys.segments(workspaceId) });
    },
  });
}

export function useContactFields(workspaceId: string) {
  return useQuery({ queryKey: queryKeys.contactFields(workspaceId), queryFn: listContactFields, staleTime: 60_000 });
}
