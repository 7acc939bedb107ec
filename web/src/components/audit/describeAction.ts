// Audit actions are dotted identifiers ("member.role_changed"); the dashboard shows them as prose.
export function describeAction(action: string): string {
  const text = action.replace(/[._]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function describeTarget(targetType: string | null, targetId: string | null): string {
  if (!targetType && !targetId) return '—';
  if (!targetId) return targetType ?? '—';
  const shortId = targetId.length > 12 ? `${targetId.slice(0, 8)}…` : targetId;
  return targetType ? `${targetType} ${shortId}` : shortId;
}
