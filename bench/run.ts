import { benchContactsImport } from './contacts-import.js';

/**
 * `npm run bench`: every benchmark prints our figure, a baseline measured in the same run, and
 * the ratio. Sizes are settable (BENCH_ROWS) for a quick run.
 */
const benches: Record<string, () => Promise<void>> = { 'contacts-import': benchContactsImport };
const only = process.argv[2];
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  await run();
}
