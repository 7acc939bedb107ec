import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../src/lib/paths.js';

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

describe('continuous integration for forks', () => {
  it('the workflow runs .ci/run with PostgreSQL and Redis services it can reach by name', () => {
    const workflow = parse(read('.github/workflows/ci.yml')) as Doc;
    const job = workflow.jobs.test as Doc;
    expect(job.steps.map((s: Doc) => s.run).filter(Boolean)).toEqual(['bash .ci/run']);
    expect(Object.keys(job.services).sort()).toEqual(['postgres', 'redis']);
    expect(job.env.CI_POSTGRES_HOST).toBe('postgres');
    expect(job.env.CI_REDIS_HOST).toBe('redis');
    expect(job.services.postgres.env.POSTGRES_DB).toBe('test');
    expect(job.strategy.matrix.node).toContain('20');
    expect(job['timeout-minutes']).toBeLessThanOrEqual(90);
    // .ci/run honours those names.
    const run = read('.ci/run');
    expect(run).toContain('db_host="${CI_POSTGRES_HOST:-127.0.0.1}"');
    expect(run).toContain('redis_host="${CI_REDIS_HOST:-127.0.0.1}"');
    expect(run).toContain('bash scripts/audit-deps.sh');
    expect(run).toMatch(/need\+=\(postgresql-client\)/);
  });

  it('dependabot updates npm packages, actions and the base images', () => {
    const config = parse(read('.github/dependabot.yml')) as Doc;
    expect(config.version).toBe(2);
    expect(config.updates.map((u: Doc) => u['package-ecosystem']).sort()).toEqual(['docker', 'github-actions', 'npm']);
  });

  it('package.json says which Node versions are supported: 20 and later', () => {
    const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
    expect(pkg.engines.node).toMatch(/^>=20(\.\d+)*$/);
  });
});

describe('scripts/audit-deps.sh', () => {
  /** Runs the script with a stand-in `npm` that prints `output` and exits with `code`. */
  function audit(output: string, code: number) {
    const bin = mkdtempSync(join(tmpdir(), 'ms-fake-npm-'));
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\ncat <<'OUT'\n${output}\nOUT\nexit ${code}\n`);
    chmodSync(join(bin, 'npm'), 0o755);
    return spawnSync('bash', [join(PROJECT_ROOT, 'scripts/audit-deps.sh')], { env: { PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  }

  it('passes when the audit finds nothing high', () => {
    expect(audit('found 0 vulnerabilities', 0).status).toBe(0);
  });

  it('fails on a high-severity advisory in production dependencies', () => {
    const result = audit('fastify  <5.3.2\nSeverity: high\n1 high severity vulnerability', 1);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/high or critical advisories/);
  });

  it('reports an unreachable advisory service and does not fail', () => {
    const result = audit('npm warn audit 405 Method Not Allowed - POST /-/npm/v1/security/advisories/bulk\nnpm error audit endpoint returned an error', 1);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/could not be reached/);
  });
});
