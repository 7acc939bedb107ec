-- Search (ILIKE '%…%' over email, names and company) uses a trigram index on one expression;
-- src/modules/contacts/contact-query.ts builds exactly this expression.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_search_trgm_idx" ON "contacts" USING gin ((lower(coalesce("email", '') || ' ' || coalesce("first_name", '') || ' ' || coalesce("last_name", '') || ' ' || coalesce("company", ''))) gin_trgm_ops);
--> statement-breakpoint
-- Keyset pages sorted by a text column (see SORTS in contact-query.ts).
CREATE INDEX IF NOT EXISTS "contacts_sort_email_idx" ON "contacts" ("workspace_id", (coalesce("email", '')), "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_sort_first_name_idx" ON "contacts" ("workspace_id", (coalesce("first_name", '')), "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_sort_last_name_idx" ON "contacts" ("workspace_id", (coalesce("last_name", '')), "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_sort_company_idx" ON "contacts" ("workspace_id", (coalesce("company", '')), "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_sort_updated_idx" ON "contacts" ("workspace_id", "updated_at", "id");
