import { describe, expect, it } from 'vitest';
import { broadcastWindow } from './broadcast-window.js';

const now = new Date('2025-03-10T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const HOUR = 3600_000;

describe('broadcastWindow', () => {
  it('inside 24 hours of the last message: UPDATE, untagged even when the broadcast has a tag', () => {
    expect(broadcastWindow(ago(24 * HOUR), now, null)).toEqual({ allowed: true, messagingType: 'UPDATE', tag: null });
    expect(broadcastWindow(ago(HOUR), now, 'ACCOUNT_UPDATE')).toEqual({ allowed: true, messagingType: 'UPDATE', tag: null });
  });

  it('outside the window: only with a tag, as MESSAGE_TAG', () => {
    expect(broadcastWindow(ago(24 * HOUR + 1), now, 'CONFIRMED_EVENT_UPDATE')).toEqual({ allowed: true, messagingType: 'MESSAGE_TAG', tag: 'CONFIRMED_EVENT_UPDATE' });
    expect(broadcastWindow(null, now, 'POST_PURCHASE_UPDATE')).toEqual({ allowed: true, messagingType: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' });
  });

  it('outside the window without a tag: refused with the reason', () => {
    expect(broadcastWindow(ago(24 * HOUR + 1), now, null)).toEqual({ allowed: false, reason: expect.stringContaining('last message was 1 day ago') });
    expect(broadcastWindow(ago(9 * 24 * HOUR), now, null)).toEqual({ allowed: false, reason: expect.stringContaining('9 days ago') });
    expect(broadcastWindow(null, now, null)).toEqual({ allowed: false, reason: expect.stringContaining('never written to the page') });
  });
});
