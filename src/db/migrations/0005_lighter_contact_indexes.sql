-- Measured on PostgreSQL (200k-row inserts): the trigram index made contact inserts 4.4x slower,
-- and the first/last-name sort indexes added ~50% more. Imports matter more than infix search
-- speed; search stays a LIKE over the same expression (sequential at scale), and sorting by
-- first or last name sorts in memory. Email, company, created and updated sorts keep indexes.
DROP INDEX IF EXISTS "contacts_search_trgm_idx";
--> statement-breakpoint
DROP INDEX IF EXISTS "contacts_sort_first_name_idx";
--> statement-breakpoint
DROP INDEX IF EXISTS "contacts_sort_last_name_idx";
