import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CONFIG_VARIABLES } from '../../src/config-variables.js';
import { PROJECT_ROOT } from '../../src/lib/paths.js';

// No Docker engine or cluster runs here: these checks read the files the way an operator's tools would.
const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

const which = (program: string) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;

describe('container image', () => {
  it('the Dockerfile is multi-stage on the current Node LTS, production-only, non-root, with a health check and the built web app', () => {
    const docker = read('deploy/Dockerfile');
    expect((docker.match(/^FROM /gm) ?? []).length).toBeGreaterThanOrEqual(2);
    const node = Number(/^ARG NODE_VERSION=(\d+)$/m.exec(docker)?.[1]);
    expect(node).toBeGreaterThanOrEqual(22);
    expect(node % 2).toBe(0); // even majors are the LTS lines
    expect(docker).toMatch(/^FROM node:\$\{NODE_VERSION\}-\S+-slim AS runtime$/m);
    expect(docker).toMatch(/npm ci/);
    expect(docker).toMatch(/npm prune --omit=dev/);
    expect(docker).toMatch(/^USER messagesender$/m);
    expect(docker).not.toMatch(/^USER root$/m);
    expect(docker).toMatch(/^HEALTHCHECK [\s\S]*\/health/m);
    expect(docker).toMatch(/COPY --from=build .*\/app\/web\/dist/);
    expect(docker).toMatch(/install .*postgresql-client/); // pg_dump / psql for backup and restore
    expect(docker).toMatch(/^ENTRYPOINT \["node", "bin\/messagesender.js"\]$/m);
    // Every instruction is one Docker knows.
    const instructions = docker.split('\n').filter((l) => l && !l.startsWith('#') && !/^\s/.test(l));
    for (const line of instructions) expect(line).toMatch(/^(FROM|WORKDIR|COPY|RUN|ENV|USER|EXPOSE|VOLUME|HEALTHCHECK|ENTRYPOINT|CMD|ARG|LABEL)\b/);
    // Continuation lines end with a backslash until the instruction ends.
    const lines = docker.split('\n');
    lines.forEach((line, i) => {
      if (/\\$/.test(line)) expect(lines[i + 1], `line ${i + 2} continues line ${i + 1}`).toMatch(/^\s+\S/);
    });
  });

  it('.dockerignore keeps secrets, local data, tests and node_modules out of the image', () => {
    const ignore = read('.dockerignore').split('\n');
    for (const entry of ['.env', 'data/', 'node_modules/', 'test/', '**/secrets.json', '.git/']) expect(ignore).toContain(entry);
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parse(read('deploy/compose.yaml'), { merge: true }) as { services: Record<string, Doc> };
  const { app, worker, postgres, redis, backup } = compose.services;

  it('runs serve, two workers, PostgreSQL and Redis with health checks, restart policies and memory limits', () => {
    expect(app!.command).toEqual(['serve']);
    expect(worker!.command).toEqual(['worker']);
    expect(worker!.deploy.replicas).toBe(2);
    for (const s of [app, worker, postgres, redis]) {
      expect(s!.restart).toBe('unless-stopped');
      expect(s!.deploy.resources.limits.memory).toMatch(/^\d+[MG]$/);
      expect(s!.healthcheck.test).toBeDefined();
    }
    // A worker is probed on its own METRICS_PORT, where its health listener is.
    expect(worker!.environment.METRICS_PORT).toBe('9464');
    expect(worker!.healthcheck.test.join(' ')).toContain(':9464/health');
    expect(app!.healthcheck.test.join(' ')).toContain('/health/ready');
  });

  it('takes secrets from the env file and publishes neither the database nor Redis', () => {
    for (const s of [app, worker]) {
      expect(s!.env_file).toBe('.env');
      expect(s!.environment.DATABASE_URL).toMatch(/^postgres:\/\/messagesender:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\//);
      expect(s!.environment.REDIS_URL).toBe('redis://redis:6379');
      expect(s!.environment.NODE_ENV).toBe('production');
    }
    expect(postgres!.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(postgres!.ports).toBeUndefined();
    expect(redis!.ports).toBeUndefined();
    expect(worker!.ports).toBeUndefined();
    expect(app!.ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it('has a one-shot backup service outside the default profile', () => {
    expect(backup!.command).toEqual(['backup', '--out', '/backups']);
    expect(backup!.profiles).toEqual(['backup']);
    expect(backup!.restart).toBe('no');
  });
});

describe('deploy/nginx.conf', () => {
  const nginx = read('deploy/nginx.conf');

  it('terminates TLS, redirects plain HTTP, proxies with forwarded headers and upgrades', () => {
    expect(nginx).toMatch(/listen 443 ssl/);
    expect(nginx).toMatch(/ssl_certificate /);
    expect(nginx).toMatch(/ssl_protocols TLSv1.2 TLSv1.3;/);
    expect(nginx).toMatch(/return 301 https:\/\/\$host\$request_uri;/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for/);
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
    expect(nginx).toMatch(/proxy_set_header Connection \$connection_upgrade/);
  });

  it('streams the inbox events without buffering and limits bodies (contact imports up to 100 MB, suppression lists 20 MB)', () => {
    const events = /location = \/api\/v1\/inbox\/events \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    expect(events).toMatch(/proxy_buffering off;/);
    expect(events).toMatch(/proxy_read_timeout 1h;/);
    expect(nginx).toMatch(/^ {2}client_max_body_size 2m;$/m);
    const imports = /location = \/api\/v1\/contacts\/imports \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    expect(imports).toMatch(/client_max_body_size 110m;/);
    const suppressions = /location = \/api\/v1\/suppressions\/import \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    expect(suppressions).toMatch(/client_max_body_size 25m;/);
  });

  it('proxies the tracking (/t/) and unsubscribe (/u/) paths', () => {
    expect(nginx).toMatch(/location \/t\/ \{[^}]*proxy_pass http:\/\/messagesender;/);
    expect(nginx).toMatch(/location \/u\/ \{[^}]*proxy_pass http:\/\/messagesender;/);
    expect((nginx.match(/{/g) ?? []).length).toBe((nginx.match(/}/g) ?? []).length);
  });

  it.skipIf(!which('nginx') || !which('openssl'))('passes `nginx -t`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-nginx-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    writeFileSync(join(dir, 'site.conf'), nginx
      .replaceAll('/etc/letsencrypt/live/outreach.example.com/fullchain.pem', join(dir, 'cert.pem'))
      .replaceAll('/etc/letsencrypt/live/outreach.example.com/privkey.pem', join(dir, 'key.pem')));
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${join(dir, k)};`).join(' ');
    writeFileSync(join(dir, 'nginx.conf'), `pid ${join(dir, 'nginx.pid')};\nerror_log stderr;\nevents {}\nhttp { access_log off; ${temp} include ${join(dir, 'site.conf')}; }\n`);
    const result = spawnSync('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/test is successful/);
  });
});

describe('deploy/k8s', () => {
  const dir = join(PROJECT_ROOT, 'deploy', 'k8s');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const docs: Doc[] = files.flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => {
    expect(d.errors, f).toEqual([]);
    return d.toJS() as Doc;
  }));
  const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const named = (kind: string, name: string) => byKind(kind).find((d) => d.metadata.name === name)!;
  const serve = named('Deployment', 'messagesender-serve');
  const worker = named('Deployment', 'messagesender-worker');
  const container = (d: Doc) => d.spec.template.spec.containers[0];

  it('every manifest parses and names its kind, API version and name', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const d of docs) {
      expect(d.apiVersion).toBeTruthy();
      expect(d.kind).toBeTruthy();
      if (d.kind !== 'Kustomization') expect(d.metadata.name).toBeTruthy();
    }
    // kustomize applies every file except the example Secret.
    const kustomization = byKind('Kustomization')[0]!;
    expect([...kustomization.resources].sort()).toEqual(files.filter((f) => !['kustomization.yaml', 'secret.example.yaml'].includes(f)).sort());
  });

  it('serve and worker run the same image, take config and secrets from the environment, and have probes and resource requests', () => {
    expect(container(serve).image).toBe(container(worker).image);
    expect(container(serve).args).toEqual(['serve']);
    expect(container(worker).args).toEqual(['worker']);
    expect(serve.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.spec.replicas).toBeGreaterThanOrEqual(2);
    for (const d of [serve, worker]) {
      const c = container(d);
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'messagesender-config' } }, { secretRef: { name: 'messagesender-secrets' } }]);
      expect(c.resources.requests.cpu).toBeTruthy();
      expect(c.resources.requests.memory).toMatch(/^\d+Mi$/);
      expect(c.resources.limits.memory).toMatch(/^\d+Mi$/);
      expect(c.livenessProbe.httpGet.path).toBe('/health');
      expect(c.readinessProbe.httpGet.path).toBeDefined();
      expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
      expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      // The pod template's labels are what the selector picks.
      expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
    }
    expect(container(serve).readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container(serve).ports[0].containerPort).toBe(3000);
    // The worker's probes reach its METRICS_PORT listener.
    expect(container(worker).env).toContainEqual({ name: 'METRICS_PORT', value: '9464' });
    expect(container(worker).ports[0]).toEqual({ name: 'metrics', containerPort: 9464 });
    expect(container(worker).livenessProbe.httpGet.port).toBe('metrics');
  });

  it('a Job runs the migrations and the pods do not (no race at rollout)', () => {
    const job = named('Job', 'messagesender-migrate');
    expect(job.spec.template.spec.containers[0].args).toEqual(['migrate']);
    expect(job.spec.template.spec.restartPolicy).toBe('OnFailure');
    expect(named('ConfigMap', 'messagesender-config').data.MIGRATE_ON_START).toBe('false');
  });

  it('the Service selects the serve pods and the Ingress routes to it with TLS and SSE-friendly settings', () => {
    const service = named('Service', 'messagesender');
    expect(serve.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(worker.spec.template.metadata.labels).not.toMatchObject(service.spec.selector);
    expect(service.spec.ports[0].targetPort).toBe(container(serve).ports[0].name);
    const ingress = named('Ingress', 'messagesender');
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    expect(backend).toEqual({ name: 'messagesender', port: { name: service.spec.ports[0].name } });
    expect(ingress.spec.tls[0].hosts).toEqual([ingress.spec.rules[0].host]);
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('110m');
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
  });

  it('PodDisruptionBudgets keep one serve and one worker pod through drains', () => {
    const pdbs = byKind('PodDisruptionBudget');
    for (const d of [serve, worker]) {
      const pdb = pdbs.find((p) => JSON.stringify(p.spec.selector.matchLabels) === JSON.stringify(d.spec.selector.matchLabels));
      expect(pdb?.spec.minAvailable).toBe(1);
    }
  });

  it('a CronJob takes nightly backups into a volume', () => {
    const cron = named('CronJob', 'messagesender-backup');
    expect(cron.spec.schedule).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].args).toEqual(['backup', '--out', '/backups']);
  });

  it('the example Secret holds every variable that production requires, with no value filled in', () => {
    const secret = parseAllDocuments(readFileSync(join(dir, 'secret.example.yaml'), 'utf8'))[0]!.toJS() as Doc;
    const config = named('ConfigMap', 'messagesender-config').data as Record<string, string>;
    for (const v of CONFIG_VARIABLES.filter((x) => x.requiredInProduction)) {
      expect(v.name in secret.stringData || v.name in config, v.name).toBe(true);
    }
    for (const value of Object.values(secret.stringData)) expect(value).toBe('');
    for (const name of Object.keys(config)) expect(CONFIG_VARIABLES.find((v) => v.name === name)?.secret, `${name} is a secret`).not.toBe(true);
  });
});

describe('.env.example and the Grafana dashboard', () => {
  it('.env.example names every variable production requires and fills in no secret', () => {
    const lines = read('.env.example').split('\n');
    const set = new Map(lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    for (const v of CONFIG_VARIABLES.filter((x) => x.requiredInProduction)) expect(set.has(v.name), v.name).toBe(true);
    for (const v of CONFIG_VARIABLES.filter((x) => x.secret && x.name !== 'DATABASE_URL')) expect(set.get(v.name) ?? '', v.name).toBe('');
  });

  it('the dashboard is valid Grafana JSON with a Prometheus datasource on every panel', () => {
    const dashboard = JSON.parse(read('deploy/grafana-dashboard.json')) as Doc;
    expect(dashboard.title).toBe('MessageSender');
    for (const panel of dashboard.panels as Doc[]) {
      expect(panel.datasource.type).toBe('prometheus');
      expect(panel.targets.length).toBeGreaterThan(0);
    }
  });
});
