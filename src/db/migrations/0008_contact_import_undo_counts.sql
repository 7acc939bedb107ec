CREATE TABLE "contact_counts" (
	"workspace_id" uuid NOT NULL,
	"filter_key" text NOT NULL,
	"count" integer NOT NULL,
	"counted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_counts_workspace_id_filter_key_pk" PRIMARY KEY("workspace_id","filter_key")
);
--> statement-breakpoint
DROP INDEX "import_staging_import_idx";--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "import_id" uuid;--> statement-breakpoint
ALTER TABLE "import_staging" ADD COLUMN "previous" jsonb;--> statement-breakpoint
ALTER TABLE "list_members" ADD COLUMN "import_id" uuid;--> statement-breakpoint
ALTER TABLE "contact_counts" ADD CONSTRAINT "contact_counts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_staging_import_row_idx" ON "import_staging" USING btree ("import_id","row_number");--> statement-breakpoint
-- Staging is rebuilt from the stored upload whenever an import job restarts, so it needs no WAL:
-- writing a million staged rows without it is markedly cheaper (drizzle has no UNLOGGED; kept here).
ALTER TABLE "import_staging" SET UNLOGGED;
