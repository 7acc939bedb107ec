import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DOC_PATH, renderConfigDoc } from '../scripts/docs-config.js';
import { loadConfig } from './config.js';
import { CONFIG_VARIABLES } from './config-variables.js';
import { PROJECT_ROOT } from './lib/paths.js';

const documented = new Set(CONFIG_VARIABLES.map((v) => v.name));

/** Runs loadConfig on an env object that records every name it is asked for. */
function namesRead(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return target[key as string];
    },
  });
  loadConfig(recording);
  return read;
}

const examples = Object.fromEntries(CONFIG_VARIABLES.map((v) => [v.name, v.example]));

describe('the configuration reference (docs/CONFIGURATION.md)', () => {
  it('lists every variable src/config.ts mentions', () => {
    const source = readFileSync(join(PROJECT_ROOT, 'src', 'config.ts'), 'utf8');
    const mentioned = new Set([...source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    expect(mentioned.size).toBeGreaterThan(30);
    const missing = [...mentioned].filter((name) => !documented.has(name));
    expect(missing, 'add these to src/config-variables.ts, then run `npm run docs:config`').toEqual([]);
  });

  it('lists every variable loadConfig reads, with every feature switched on', () => {
    // Every optional provider configured and production mode: the branches that read the most.
    const read = namesRead({ ...examples });
    const missing = [...read].filter((name) => !documented.has(name));
    expect(missing, 'add these to src/config-variables.ts, then run `npm run docs:config`').toEqual([]);
    // The examples are valid values: a full production configuration starts.
    expect(read.has('FACEBOOK_OAUTH_URL')).toBe(true);
    expect(read.has('MICROSOFT_GRAPH_BASE_URL')).toBe(true);
  });

  it('lists every variable loadConfig reads in development with nothing set', () => {
    const read = namesRead({ NODE_ENV: 'test', DATA_DIR: join(PROJECT_ROOT, 'node_modules', '.cache', 'ms-config-doc-test') });
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('has no variable that loadConfig never reads', () => {
    const { JWT_ACCESS_SECRET: _preferred, ...withOlderName } = examples;
    const read = new Set([...namesRead({ ...examples }), ...namesRead(withOlderName)]);
    expect(CONFIG_VARIABLES.map((v) => v.name).filter((name) => !read.has(name))).toEqual([]);
  });

  it('is generated from the list and up to date, with every variable in it', () => {
    const doc = readFileSync(CONFIG_DOC_PATH, 'utf8');
    expect(doc, 'docs/CONFIGURATION.md is stale: run `npm run docs:config`').toBe(renderConfigDoc());
    for (const name of documented) expect(doc).toContain(`\`${name}\``);
    for (const v of CONFIG_VARIABLES.filter((x) => x.requiredInProduction)) expect(doc).toMatch(new RegExp(`\\| \`${v.name}\` \\*\\*required\\*\\*`));
  });
});
