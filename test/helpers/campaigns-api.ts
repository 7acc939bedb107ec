import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { TestClient } from './client.js';

/** Builders for campaign API tests (through HTTP, unlike campaign-fixture.ts which seeds rows for the engine): a signed-up workspace, its inboxes, contacts, lists and rows the engine would write. */

export const API = '/api/v1';

export async function newWorkspace(app: FastifyInstance) {
  const client = new TestClient(app);
  const s = await client.signup();
  return { client, workspaceId: s.workspace.id as string };
}

let senderSeq = 0;
export async function addSender(c: TestClient, email = `sender${++senderSeq}@good.example`): Promise<string> {
  const res = await c.post(`${API}/senders`, {
    email, fromName: 'Sam Sender',
    smtp: { host: 'smtp.good.example', port: 587, security: 'starttls', user: email, password: 'smtp-password' },
    imap: { host: 'imap.good.example', port: 993, secure: true, user: email, password: 'imap-password' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

export async function addContact(c: TestClient, contact: Record<string, unknown>): Promise<string> {
  const res = await c.post(`${API}/contacts`, contact);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

export async function addList(c: TestClient, contactIds: string[], name = 'Prospects'): Promise<string> {
  const list = await c.post(`${API}/lists`, { name });
  expect(list.status).toBe(201);
  if (contactIds.length) expect((await c.post(`${API}/contacts/bulk`, { ids: contactIds, action: 'add_to_list', listId: list.body.id })).status).toBe(200);
  return list.body.id;
}

export async function setPostalAddress(c: TestClient, workspaceId: string, postalAddress: string | null = '1 Market Street, Springfield 12345') {
  const res = await c.patch(`${API}/workspaces/${workspaceId}`, { postalAddress });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

export const twoSteps = () => [
  { variants: [{ subject: 'Quick question, {{ first_name | default: "there" }}', bodyText: '{Hi|Hello} {{ first_name | default: "there" }}, how is {{ company | default: "your team" }}?' }] },
  { delayMinutes: 2 * 24 * 60, variants: [{ subject: null, bodyText: 'Following up, {{ first_name | default: "there" }}.' }] },
];

/** A campaign that passes every launch check: postal address, one active inbox, a list of contacts, two steps. */
export async function readyCampaign(c: TestClient, workspaceId: string, contacts: Record<string, unknown>[] = [{ email: `ann-${Date.now()}@acme.io`, firstName: 'Ann', company: 'Acme' }]) {
  await setPostalAddress(c, workspaceId);
  const senderId = await addSender(c);
  const contactIds: string[] = [];
  for (const contact of contacts) contactIds.push(await addContact(c, contact));
  const listId = await addList(c, contactIds);
  const res = await c.post(`${API}/campaigns`, { name: 'Ready', senderIds: [senderId], audience: { listIds: [listId] }, steps: twoSteps() });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { campaign: res.body, senderId, listId, contactIds };
}

/** An enrollment and a message row as the engine writes them, for tests that do not run the engine. */
export async function insertMessage(database: Database, m: {
  workspaceId: string; campaignId: string; contactId: string; stepPosition: number; status: string;
  stepId?: string | null; variantId?: string | null; senderId?: string | null; sentAt?: Date | null; sendAt?: Date; reason?: string | null; attempts?: number; toEmail?: string | null;
}): Promise<{ id: string; enrollmentId: string }> {
  const { rows: [enrollment] } = await database.sql.query<{ id: string }>(
    `INSERT INTO enrollments (workspace_id, campaign_id, contact_id, last_step) VALUES ($1, $2, $3, $4)
     ON CONFLICT (campaign_id, contact_id) DO UPDATE SET updated_at = now() RETURNING id`,
    [m.workspaceId, m.campaignId, m.contactId, m.sentAt ? m.stepPosition : m.stepPosition - 1]);
  const { rows: [message] } = await database.sql.query<{ id: string }>(
    `INSERT INTO messages (workspace_id, campaign_id, enrollment_id, contact_id, step_position, step_id, variant_id, sender_id, status, send_at, sent_at, reason, attempts, to_email)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
    [m.workspaceId, m.campaignId, enrollment!.id, m.contactId, m.stepPosition, m.stepId ?? null, m.variantId ?? null, m.senderId ?? null, m.status,
      (m.sendAt ?? m.sentAt ?? new Date()).toISOString(), m.sentAt?.toISOString() ?? null, m.reason ?? null, m.attempts ?? 0, m.toEmail ?? null]);
  return { id: message!.id, enrollmentId: enrollment!.id };
}
