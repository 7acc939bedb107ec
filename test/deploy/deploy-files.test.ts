import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../src/lib/paths.js';

// No Docker engine runs here: these checks read the files the way an operator's tools would.
const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');

describe('container and deployment files', () => {
  it('the Dockerfile is multi-stage, production-only, non-root, with a health check and the built web app', () => {
    const docker = read('deploy/Dockerfile');
    const stages = docker.match(/^FROM /gm) ?? [];
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(docker).toMatch(/npm ci/);
    expect(docker).toMatch(/npm prune --omit=dev/);
    expect(docker).toMatch(/^USER messagesender$/m);
    expect(docker).not.toMatch(/^USER root$/m);
    expect(docker).toMatch(/^HEALTHCHECK [\s\S]*\/health/m);
    expect(docker).toMatch(/COPY --from=build .*\/app\/web\/dist/);
    expect(docker).toMatch(/^ENTRYPOINT \["node", "bin\/messagesender.js"\]$/m);
    // Every instruction is one Docker knows.
    const instructions = docker.split('\n').filter((l) => l && !l.startsWith('#') && !/^\s/.test(l) && !l.startsWith(' '));
    for (const line of instructions) expect(line).toMatch(/^(FROM|WORKDIR|COPY|RUN|ENV|USER|EXPOSE|VOLUME|HEALTHCHECK|ENTRYPOINT|CMD|ARG|LABEL)\b/);
  });

  it('.dockerignore keeps secrets, local data, tests and node_modules out of the image', () => {
    const ignore = read('.dockerignore').split('\n');
    for (const entry of ['.env', 'data/', 'node_modules/', 'test/', '**/secrets.json', '.git/']) expect(ignore).toContain(entry);
  });

  it('compose runs serve, two workers, PostgreSQL and Redis with health checks, limits and no published database port', () => {
    const compose = parse(read('deploy/compose.yaml'), { merge: true }) as { services: Record<string, Record<string, any>> };
    const { app, worker, postgres, redis } = compose.services;
    expect(app!.command).toEqual(['serve']);
    expect(worker!.command).toEqual(['worker']);
    expect(worker!.deploy.replicas).toBe(2);
    for (const s of [app, worker, postgres, redis]) {
      expect(s!.restart).toBe('unless-stopped');
      expect(s!.deploy.resources.limits.memory).toMatch(/^\d+[MG]$/);
    }
    for (const s of [app, postgres, redis]) expect(s!.healthcheck.test).toBeDefined();
    expect(app!.env_file).toBe('.env');
    expect(app!.environment.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    expect(postgres!.ports).toBeUndefined();
    expect(redis!.ports).toBeUndefined();
    expect(app!.ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it('nginx terminates TLS, proxies with forwarded headers, allows import-sized bodies and passes upgrades', () => {
    const nginx = read('deploy/nginx.conf');
    expect(nginx).toMatch(/listen 443 ssl/);
    expect(nginx).toMatch(/ssl_certificate /);
    expect(nginx).toMatch(/client_max_body_size 110m/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme/);
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
    expect(nginx).toMatch(/location ~ \^\/\(t\|u\)\//);
    // Braces balance: a quick structural check.
    expect((nginx.match(/{/g) ?? []).length).toBe((nginx.match(/}/g) ?? []).length);
  });
});
