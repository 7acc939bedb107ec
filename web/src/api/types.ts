// Shapes of the /api/v1 JSON payloads the SPA consumes.

export type Role = 'owner' | 'admin' | 'member';

export interface User {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  isInstanceAdmin: boolean;
  createdAt: string;
}

export interface WorkspaceMembership {
  id: string;
  name: string;
  role: Role;
}

export interface Me {
  user: User;
  workspaces: WorkspaceMembership[];
  /** Null only when the user belongs to no workspace at all. */
  currentWorkspaceId: string | null;
  /** What this instance offers: billing (hosted edition), Messenger (a Facebook app is configured). */
  features: { billing: boolean; messenger: boolean };
}

export interface Workspace extends WorkspaceMembership {
  createdAt: string;
  /** Printed in the footer of every campaign email; a campaign cannot launch without it. */
  postalAddress: string | null;
  /** Host of open, click and unsubscribe links (a CNAME to this server); null uses the app's own URL. */
  trackingDomain: string | null;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface PersonRef {
  id: string;
  name: string;
  email: string;
}

export interface Invite {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  invitedBy?: PersonRef | null;
}

export interface InvitePreview {
  workspace: { id: string; name: string };
  email: string;
  role: Role;
  expiresAt: string;
}

export type ApiKeyRole = Exclude<Role, 'owner'>;

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyRole;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdBy: PersonRef | null;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyRole;
  createdAt: string;
  /** The full secret; the server never returns it again. */
  key: string;
}

export interface AuditEntry {
  id: string;
  action: string;
  actor: PersonRef | null;
  /** Set when the action was taken with an API key rather than by a signed-in person. */
  apiKeyId?: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  metadata: unknown;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ItemList<T> {
  items: T[];
}

// Contacts, lists, segments, suppressions and imports

export type ContactStatus = 'active' | 'unsubscribed' | 'bounced' | 'complained' | 'erased';
export type CustomValue = string | number | boolean | null;

export interface Contact {
  id: string;
  /** Null once the contact has been erased. */
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  title: string | null;
  phone: string | null;
  timeZone: string | null;
  custom: Record<string, CustomValue>;
  tags: string[];
  status: ContactStatus;
  source: string | null;
  messengerPsid: string | null;
  isRoleAddress: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Filters shared by the table, the count, bulk actions and the CSV export. */
export interface ContactFilter {
  q?: string;
  listId?: string;
  segmentId?: string;
  tag?: string;
  status?: ContactStatus;
}

export type ContactSort = 'createdAt' | 'updatedAt' | 'email' | 'firstName' | 'lastName' | 'company';
export type SortOrder = 'asc' | 'desc';

export interface ContactWrite {
  email?: string;
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  title?: string | null;
  phone?: string | null;
  timeZone?: string | null;
  tags?: string[];
  custom?: Record<string, CustomValue>;
  status?: Exclude<ContactStatus, 'erased'>;
}

export type BulkActionInput =
  | { action: 'add_to_list' | 'remove_from_list'; listId: string }
  | { action: 'tag' | 'untag'; tag: string }
  | { action: 'unsubscribe' | 'delete' };

/** Bulk actions name their contacts either one by one or as "everything this filter matches". */
export type BulkSelection = { ids: string[] } | { filter: ContactFilter };

export interface ContactList {
  id: string;
  name: string;
  description: string | null;
  contactCount: number;
  createdAt: string;
}

export type CustomFieldType = 'text' | 'number' | 'date' | 'boolean';

export interface CustomField {
  id: string;
  key: string;
  label: string;
  type: CustomFieldType;
  createdAt: string;
}

export type ContactEventType =
  | 'sent'
  | 'delivered'
  | 'opened'
  | 'clicked'
  | 'replied'
  | 'bounced'
  | 'unsubscribed'
  | 'complained'
  | 'received'
  | 'read';

export type TextConditionField = 'email' | 'firstName' | 'lastName' | 'company' | 'title' | 'phone' | 'timeZone' | 'source';
export type TextOperator =
  | 'eq'
  | 'neq'
  | 'contains'
  | 'not_contains'
  | 'starts_with'
  | 'ends_with'
  | 'is_empty'
  | 'is_not_empty'
  | 'in';
export type DateOperator = 'before' | 'after' | 'within_days' | 'older_than_days';
export type CustomOperator = TextOperator | 'gt' | 'gte' | 'lt' | 'lte' | 'before' | 'after' | 'is_true' | 'is_false';

export type SegmentCondition =
  | { type: 'text'; field: TextConditionField; op: TextOperator; value?: string | string[] }
  | { type: 'status'; op: 'eq' | 'neq' | 'in'; value: ContactStatus | ContactStatus[] }
  | { type: 'tag'; op: 'has' | 'not_has'; value: string }
  | { type: 'date'; field: 'createdAt' | 'updatedAt'; op: DateOperator; value: string | number }
  | { type: 'custom'; key: string; op: CustomOperator; value?: string | number | boolean | string[] }
  | { type: 'engagement'; event: ContactEventType; campaignId?: string; withinDays?: number; negate?: boolean }
  | { type: 'list'; listId: string; negate?: boolean }
  | { type: 'group'; match: 'all' | 'any'; conditions: SegmentCondition[] };

export interface SegmentFilter {
  match: 'all' | 'any';
  conditions: SegmentCondition[];
}

export interface Segment {
  id: string;
  name: string;
  filter: SegmentFilter;
  /** Only present when a single segment is fetched (sizes are computed on demand). */
  contactCount?: number;
  createdAt: string;
  updatedAt: string;
}

export type SuppressionKind = 'email' | 'domain' | 'email_hash';
export type SuppressionReason = 'unsubscribe' | 'bounce' | 'complaint' | 'manual' | 'import' | 'erasure';

export interface Suppression {
  id: string;
  kind: SuppressionKind;
  value: string;
  reason: SuppressionReason;
  note: string | null;
  createdAt: string;
}

export interface SuppressionUploadResult {
  added: number;
  alreadySuppressed: number;
  invalid: { row: number; value: string }[];
}

export type ImportStatus = 'uploaded' | 'queued' | 'running' | 'completed' | 'failed';
export type ImportDedupe = 'skip' | 'update';
export type ImportIssueReason =
  | 'invalid_email'
  | 'duplicate_in_file'
  | 'suppressed'
  | 'role_address'
  | 'exists'
  | 'invalid_field'
  | 'malformed_row';

export interface ContactImport {
  id: string;
  filename: string;
  sizeBytes: number;
  delimiter: string;
  headers: string[];
  /** First data rows of the file (the header row excluded). */
  preview: string[][];
  /** Header → target ("email", "firstName", "custom.<key>", or "" to skip). */
  suggestedMapping: Record<string, string>;
  mapping: Record<string, string> | null;
  options: { dedupe: ImportDedupe; listId: string | null; importValidRows: boolean } | null;
  status: ImportStatus;
  taskId: string | null;
  progress: { done: number; total: number | null };
  totalRows: number | null;
  createdCount: number;
  updatedCount: number;
  skippedCount: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface ImportIssue {
  row: number;
  email: string | null;
  reason: ImportIssueReason | (string & {});
  /** False when the row was imported anyway (e.g. a role address). */
  skipped: boolean;
  detail: string | null;
}

export interface ContactImportReport extends ContactImport {
  issues: ImportIssue[];
  issuesTotal: number;
}

export interface StartImportInput {
  mapping: Record<string, string>;
  dedupe: ImportDedupe;
  listId: string | null;
  importValidRows: boolean;
}

export interface Job {
  id: string;
  kind: string;
  status: 'pending' | 'running' | 'completed' | 'failed';
  progress: { done: number; total: number | null; percent: number | null };
  result: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ContactEvent {
  type: ContactEventType;
  channel: string | null;
  campaignId: string | null;
  messageId: string | null;
  metadata: Record<string, unknown>;
  occurredAt: string;
}

/** GET /contacts/:id/gdpr-export: everything held about one person. */
export interface ContactDataExport {
  exportedAt: string;
  contact: Contact;
  lists: { id: string; name: string; addedAt: string }[];
  events: ContactEvent[];
  suppressions: { kind: SuppressionKind; reason: SuppressionReason; createdAt: string }[];
}
