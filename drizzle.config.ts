import { defineConfig } from 'drizzle-kit';

// Migrations are generated SQL (`npm run db:generate`) and applied by src/db/migrate.ts on both drivers.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './src/db/migrations',
});
