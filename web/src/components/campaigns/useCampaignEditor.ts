import { useState } from 'react';
import { useBlocker } from '@tanstack/react-router';
import { useUpdateCampaign, type Campaign } from '../../api/campaigns';
import { errorMessage, isApiError } from '../../api/errors';
import {
  asSentence,
  isDirty,
  normalizePath,
  sectionOf,
  subjectOf,
  toDraft,
  toUpdate,
  validateDraft,
  type CampaignDraft,
  type DraftErrors,
  type EditorSection,
} from './campaignDraft';

/** A failed save names the editor tabs that show its errors, so the page can bring one into view. */
export type SaveResult = { ok: true; campaign: Campaign } | { ok: false; sections: EditorSection[] };

/**
 * The editor's state: a draft of the campaign, the saved version it started from, and field
 * errors keyed by request path. Changes from elsewhere (a refetch after launch, pause, another
 * tab) replace the draft only while it has no unsaved edits.
 */
export function useCampaignEditor(workspaceId: string, campaign: Campaign) {
  const update = useUpdateCampaign(workspaceId, campaign.id);
  const [saved, setSaved] = useState(() => toDraft(campaign));
  const [draft, setDraft] = useState(saved);
  const [version, setVersion] = useState(campaign.updatedAt);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const dirty = isDirty(draft, saved);
  if (version !== campaign.updatedAt) {
    // Adjusting state while rendering (React's pattern for props-derived state): no extra paint with stale values.
    setVersion(campaign.updatedAt);
    const next = toDraft(campaign);
    setSaved(next);
    if (!dirty) setDraft(next);
  }

  // Leaving the campaign with unsaved edits asks first; switching its tabs (a search change) doesn't.
  const leaving = useBlocker({
    shouldBlockFn: ({ current, next }) => dirty && current.pathname !== next.pathname,
    enableBeforeUnload: () => dirty,
    withResolver: true,
  });

  /** Applies an edit; `field` (a request path) loses its error, and so do the paths above it. */
  function change(patch: Partial<CampaignDraft>, field: string) {
    setDraft((current) => ({ ...current, ...patch }));
    setErrors((current) => {
      const next: DraftErrors = {};
      for (const [path, message] of Object.entries(current)) {
        const hit = path === field || path.startsWith(`${field}.`) || field.startsWith(`${path}.`);
        if (!hit) next[path] = message;
      }
      return next;
    });
  }

  function discard() {
    setDraft(saved);
    setErrors({});
    setFormError(null);
  }

  const sectionsOf = (found: DraftErrors) => [...new Set(Object.keys(found).map(sectionOf))].filter((s): s is EditorSection => s !== null);

  async function save(): Promise<SaveResult> {
    const invalid = validateDraft(draft);
    if (Object.keys(invalid).length > 0) {
      setErrors(invalid);
      setFormError('Some fields need another look.');
      return { ok: false, sections: sectionsOf(invalid) };
    }
    setErrors({});
    setFormError(null);
    try {
      const result = await update.mutateAsync(toUpdate(draft, saved));
      const next = toDraft(result);
      setVersion(result.updatedAt);
      setSaved(next);
      setDraft(next);
      return { ok: true, campaign: result };
    } catch (error) {
      if (isApiError(error) && error.fieldErrors.length > 0) {
        const found: DraftErrors = {};
        const elsewhere: string[] = [];
        for (const { field, message } of error.fieldErrors) {
          const path = normalizePath(field);
          if (sectionOf(path)) found[path] ??= asSentence(subjectOf(path), message);
          else elsewhere.push(asSentence('This', message));
        }
        setErrors(found);
        const summary = Object.keys(found).length > 0 ? 'Some fields need another look.' : errorMessage(error);
        setFormError([summary, ...elsewhere].join(' '));
        return { ok: false, sections: sectionsOf(found) };
      }
      setFormError(errorMessage(error));
      return { ok: false, sections: [] };
    }
  }

  return { draft, saved, dirty, errors, formError, saving: update.isPending, change, discard, save, leaving };
}
