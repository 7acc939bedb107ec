import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { ensureWebBuilt } from '../e2e/browser.js';

describe('the web app is served by the API server', () => {
  let t: TestApp;
  beforeAll(async () => {
    ensureWebBuilt();
    t = await createTestApp({ web: true });
  });
  afterAll(() => t?.close());

  it('answers /, client-side routes and assets; unknown API paths stay problem+json', async () => {
    const root = await t.app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.headers['content-type']).toContain('text/html');
    expect(root.body).toContain('<div id="root">');
    const deep = await t.app.inject({ method: 'GET', url: '/contacts/import' });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toBe(root.body);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(root.body)![1]!;
    const asset = await t.app.inject({ method: 'GET', url: script });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect((await t.app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
  });
});
