CREATE TABLE "import_undo" (
	"import_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"previous" jsonb NOT NULL,
	CONSTRAINT "import_undo_import_id_contact_id_pk" PRIMARY KEY("import_id","contact_id")
);
--> statement-breakpoint
ALTER TABLE "import_undo" ADD CONSTRAINT "import_undo_import_id_contact_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."contact_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- An import running across the upgrade keeps what it would need to be undone.
INSERT INTO "import_undo" ("import_id", "contact_id", "previous")
  SELECT st."import_id", (st."previous" ->> 'id')::uuid, st."previous" FROM "import_staging" st
  WHERE st."previous" IS NOT NULL AND EXISTS (SELECT 1 FROM "contact_imports" i WHERE i."id" = st."import_id")
  ON CONFLICT DO NOTHING;--> statement-breakpoint
ALTER TABLE "import_staging" DROP COLUMN "previous";