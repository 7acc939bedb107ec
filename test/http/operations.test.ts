import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { TestClient } from '../helpers/client.js';
import { engineName } from '../helpers/db.js';

const API = '/api/v1';

let t: TestApp;
/** The first account in this file's database, hence the instance administrator. */
let operator: TestClient;
beforeAll(async () => {
  t = await createTestApp();
  operator = new TestClient(t.app);
  const { user } = await operator.signup({ name: 'Operator' });
  expect(user.isInstanceAdmin).toBe(true);
});
afterAll(() => t?.close());

/** A plain request with no cookies or credentials, following redirects like a browser would. */
async function fetchFollowing(url: string, headers: Record<string, string> = {}, hops = 5): Promise<LightMyRequestResponse> {
  let res = await t.app.inject({ method: 'GET', url, headers });
  for (let i = 0; i < hops && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location; i++) {
    url = new URL(String(res.headers.location), `http://localhost${url}`).pathname;
    res = await t.app.inject({ method: 'GET', url, headers });
  }
  return res;
}

describe(`operations: health (${engineName})`, () => {
  it('GET /health answers without authentication', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /health/ready reports the database and migrations', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('GET /health/ready is 503 while a migration is pending', async () => {
    const sql = t.deps.database.sql;
    const { rows } = await sql.query<{ tag: string; hash: string; applied_at: Date }>(`SELECT tag, hash, applied_at FROM schema_migrations ORDER BY tag DESC LIMIT 1`);
    const latest = rows[0]!;
    await sql.query(`DELETE FROM schema_migrations WHERE tag = $1`, [latest.tag]);
    try {
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', migrations: `pending: ${latest.tag}` } });
    } finally {
      await sql.query(`INSERT INTO schema_migrations (tag, hash, applied_at) VALUES ($1, $2, $3)`, [latest.tag, latest.hash, latest.applied_at]);
    }
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  });
});

describe(`operations: metrics (${engineName})`, () => {
  it('GET /metrics is Prometheus text with request durations by route', async () => {
    await t.app.inject({ method: 'GET', url: '/health' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('# TYPE messagesender_http_request_duration_seconds histogram');
    expect(res.body).toMatch(/^messagesender_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} [1-9]/m);
    expect(res.body).toContain('messagesender_process_cpu_seconds_total');
  });

  describe('with METRICS_TOKEN set', () => {
    const token = 'metrics-token-1234567890';
    let guarded: TestApp;
    beforeAll(async () => {
      guarded = await createTestApp({ env: { METRICS_TOKEN: token } });
    });
    afterAll(() => guarded?.close());

    it('needs the bearer token', async () => {
      for (const authorization of [undefined, 'Bearer wrong-token-1234567890', `Basic ${token}`, `Bearer ${token}x`]) {
        const res = await guarded.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
        expect(res.statusCode, String(authorization)).toBe(401);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body).not.toContain('messagesender_http_request_duration_seconds');
      }
      const ok = await guarded.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('messagesender_http_request_duration_seconds');
    });
  });
});

describe(`operations: API documentation (${engineName})`, () => {
  it('GET /api/v1/openapi.json is OpenAPI 3.1 with request bodies for the public API', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${API}/openapi.json` });
    expect(res.statusCode).toBe(200);
    const spec = res.json();
    expect(spec.openapi).toBe('3.1.0');
    const bodyOf = (path: string) => {
      expect(spec.paths, path).toHaveProperty([path]);
      return spec.paths[path].post.requestBody.content['application/json'].schema;
    };

    const signup = bodyOf(`${API}/auth/signup`);
    expect(Object.keys(signup.properties).sort()).toEqual(['email', 'name', 'password']);
    expect(signup.required.sort()).toEqual(['email', 'name', 'password']);
    expect(signup.properties.password).toMatchObject({ type: 'string', minLength: 10 });

    const apiKey = bodyOf(`${API}/api-keys`);
    expect(apiKey.properties.name).toMatchObject({ type: 'string' });
    expect(apiKey.properties.role.enum.sort()).toEqual(['admin', 'member']);
    expect(apiKey.required).toEqual(['name']);

    const invite = bodyOf(`${API}/workspaces/{id}/invites`);
    expect(invite.properties.email).toMatchObject({ type: 'string', format: 'email' });
    expect(invite.properties.role.enum.sort()).toEqual(['admin', 'member', 'owner']);
    expect(invite.required.sort()).toEqual(['email', 'role']);
    expect(spec.paths[`${API}/workspaces/{id}/invites`].post.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }));
  });

  it('GET /docs serves the interactive documentation page', async () => {
    const res = await fetchFollowing('/docs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body.toLowerCase()).toContain('swagger');
  });
});

describe(`operations: instance administration (${engineName})`, () => {
  it('the first account of the instance lists all users and workspaces; nobody else can', async () => {
    const second = new TestClient(t.app);
    const { user: secondUser } = await second.signup({ name: 'Second' });
    expect(secondUser.isInstanceAdmin).toBe(false);

    const users = await operator.get(`${API}/admin/users`);
    expect(users.status).toBe(200);
    expect(users.body.total).toBeGreaterThanOrEqual(2);
    expect(users.body.items).toContainEqual(expect.objectContaining({ id: secondUser.id, isInstanceAdmin: false, workspaces: 1 }));
    expect(users.body.items.filter((u: { isInstanceAdmin: boolean }) => u.isInstanceAdmin)).toHaveLength(1);
    const workspaces = await operator.get(`${API}/admin/workspaces`);
    expect(workspaces.status).toBe(200);
    expect(workspaces.body.total).toBeGreaterThanOrEqual(2);

    for (const path of ['/admin/users', '/admin/workspaces']) {
      const denied = await second.get(`${API}${path}`);
      expect(denied.status).toBe(403);
      expect(denied.headers['content-type']).toContain('application/problem+json');
      expect(denied.body.type).toMatch(/\/forbidden$/);
      expect((await new TestClient(t.app).get(`${API}${path}`)).status).toBe(401);
    }

    // Not even through an API key of the operator's own workspace.
    const key = await operator.post(`${API}/api-keys`, { name: 'ops', role: 'admin' });
    expect(key.status).toBe(201);
    const viaKey = await t.app.inject({ method: 'GET', url: `${API}/admin/users`, headers: { authorization: `Bearer ${key.body.key}` } });
    expect(viaKey.statusCode).toBe(403);
  });
});
