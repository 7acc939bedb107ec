ALTER TABLE "import_staging" DROP CONSTRAINT "import_staging_import_id_contact_imports_id_fk";
