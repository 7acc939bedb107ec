import { benchCampaignSend } from './campaign-send.js';
import { benchContactsImport } from './contacts-import.js';
import { benchSchedulerScale } from './scheduler-scale.js';
import { benchWebhookIngest } from './webhook-ingest.js';

/**
 * `npm run bench`: every benchmark prints our figure, a baseline measured in the same run, and
 * the ratio. Sizes are settable (BENCH_ROWS, BENCH_CAMPAIGN_CONTACTS, BENCH_SCALE_ENROLLMENTS …)
 * for a quick run; `npm run bench -- <name>` or BENCH_ONLY=<name>[,<name>] runs only those.
 */
const benches: Record<string, () => Promise<void>> = {
  'contacts-import': benchContactsImport,
  'campaign-send': benchCampaignSend,
  'scheduler-scale': benchSchedulerScale,
  'webhook-ingest': benchWebhookIngest,
};
const only = (process.argv[2] ?? process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const unknown = only.filter((name) => !(name in benches));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
for (const [name, run] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  await run();
}
