import { graphRequest, type GraphSettings } from './client.js';
import type { GraphResult } from './errors.js';

export interface MessengerProfile {
  firstName: string | null;
  lastName: string | null;
  profilePic: string | null;
}

/**
 * The name and picture Messenger shares for a PSID (GET /{psid} with the page token). Graph refuses
 * it for some people (privacy settings, no advanced access: error 100/33 or 200); callers treat a
 * failure as "no name", never as a reason to drop the message.
 */
export async function getProfile(s: GraphSettings, pageToken: string, psid: string): Promise<GraphResult<MessengerProfile>> {
  if (!/^\d+$/.test(psid)) return { ok: false, kind: 'permanent', code: null, subcode: null, status: null, message: `"${psid}" is not a page-scoped id` };
  const res = await graphRequest<{ first_name?: string; last_name?: string; profile_pic?: string }>(s, { path: `/${psid}`, query: { fields: 'first_name,last_name,profile_pic' }, accessToken: pageToken });
  if (!res.ok) return res;
  return { ok: true, data: { firstName: res.data.first_name || null, lastName: res.data.last_name || null, profilePic: res.data.profile_pic || null } };
}
