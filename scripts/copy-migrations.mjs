// tsc compiles only TypeScript; the generated SQL migrations travel beside the compiled migrator.
import { cpSync } from 'node:fs';
cpSync(new URL('../src/db/migrations', import.meta.url), new URL('../dist/src/db/migrations', import.meta.url), { recursive: true });
