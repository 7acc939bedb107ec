import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const API = '/api/v1';

async function owner() {
  const client = new TestClient(t.app);
  const s = await client.signup();
  return { client, workspaceId: s.workspace.id as string, signupWorkspace: s.workspace };
}

describe(`workspace sending settings (${engineName})`, () => {
  it('shows and changes the postal address and tracking domain, normalised, in every workspace view', async () => {
    const { client, workspaceId, signupWorkspace } = await owner();
    expect(signupWorkspace).toMatchObject({ postalAddress: null, trackingDomain: null });
    expect((await client.get(`${API}/workspaces/${workspaceId}`)).body).toMatchObject({ id: workspaceId, role: 'owner', postalAddress: null, trackingDomain: null });

    const res = await client.patch(`${API}/workspaces/${workspaceId}`, { postalAddress: '  Acme GmbH\nHauptstraße 1\n10115 Berlin  ', trackingDomain: ' Track.Acme.EXAMPLE. ' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ postalAddress: 'Acme GmbH\nHauptstraße 1\n10115 Berlin', trackingDomain: 'track.acme.example' });
    expect((await client.get(`${API}/me`)).body.workspaces[0]).toMatchObject({ postalAddress: 'Acme GmbH\nHauptstraße 1\n10115 Berlin', trackingDomain: 'track.acme.example' });
    expect((await client.get(`${API}/workspaces`)).body.items[0].trackingDomain).toBe('track.acme.example');

    // A rename leaves the settings alone; null or '' clears one.
    expect((await client.patch(`${API}/workspaces/${workspaceId}`, { name: 'Acme' })).body).toMatchObject({ name: 'Acme', trackingDomain: 'track.acme.example' });
    expect((await client.patch(`${API}/workspaces/${workspaceId}`, { trackingDomain: null, postalAddress: '' })).body).toMatchObject({ postalAddress: null, trackingDomain: null });

    const { rows } = await t.deps.database.sql.query<{ action: string }>(`SELECT action FROM audit_log WHERE workspace_id = $1 AND action LIKE 'workspace.%' ORDER BY id`, [workspaceId]);
    expect(rows.map((r) => r.action)).toEqual(['workspace.created', 'workspace.sending_settings_changed', 'workspace.renamed', 'workspace.sending_settings_changed']);
  });

  it('rejects what is not a host name or a postal address, naming the field', async () => {
    const { client, workspaceId } = await owner();
    for (const trackingDomain of ['https://track.acme.example', 'track.acme.example/x', 'track.acme.example:8443', 'localhost', '10.0.0.1', 'bad_host.example', 'a..b.example']) {
      const res = await client.patch(`${API}/workspaces/${workspaceId}`, { trackingDomain });
      expect(res.status, trackingDomain).toBe(422);
      expect(res.body.errors.map((e: { field: string }) => e.field), trackingDomain).toEqual(['trackingDomain']);
    }
    const short = await client.patch(`${API}/workspaces/${workspaceId}`, { postalAddress: 'PO 1' });
    expect(short.body.errors).toEqual([{ field: 'postalAddress', message: 'is too short to be a postal address' }]);
    expect((await client.patch(`${API}/workspaces/${workspaceId}`, { postalAddress: '1 Main Street\u0007 Springfield' })).body.errors[0].field).toBe('postalAddress');
    expect((await client.patch(`${API}/workspaces/${workspaceId}`, {})).status).toBe(422);
    expect((await client.get(`${API}/workspaces/${workspaceId}`)).body).toMatchObject({ postalAddress: null, trackingDomain: null });
  });

  it('needs workspace.update to change them; other workspaces are 404', async () => {
    const { client, workspaceId } = await owner();
    const key = (await client.post(`${API}/api-keys`, { name: 'member key', role: 'member' })).body.key;
    const asMember = (method: 'GET' | 'PATCH', payload?: object) =>
      t.app.inject({ method, url: `${API}/workspaces/${workspaceId}`, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
    expect((await asMember('GET')).statusCode).toBe(200);
    expect((await asMember('PATCH', { postalAddress: '1 Main Street, Springfield' })).statusCode).toBe(403);
    const stranger = await owner();
    expect((await stranger.client.get(`${API}/workspaces/${workspaceId}`)).status).toBe(404);
    expect((await stranger.client.patch(`${API}/workspaces/${workspaceId}`, { trackingDomain: 'evil.example' })).status).toBe(404);
  });
});
