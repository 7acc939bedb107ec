/**
 * Sending windows: "Mon–Fri 9:00–17:00 in Europe/Berlin". All arithmetic goes through Intl so
 * daylight-saving changes land on the right hour; formatters are built once per zone.
 */
export interface SendingWindow {
  timezone: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: readonly number[];
  startMinute: number;
  endMinute: number;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function isValidTimezone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

// The last answer per zone: the engine asks about the same minute for every message of a round.
const lastLocalTime = new Map<string, { minute: number; time: LocalTime }>();

export function localTime(tz: string, at: Date): LocalTime {
  const minute = Math.floor(at.getTime() / 60_000);
  const cached = lastLocalTime.get(tz);
  if (cached?.minute === minute) return cached.time;
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(at)) parts[p.type] = p.value;
  const time = { year: +parts.year!, month: +parts.month!, day: +parts.day!, weekday: WEEKDAYS[parts.weekday!]!, minute: +parts.hour! * 60 + +parts.minute! };
  lastLocalTime.set(tz, { minute, time });
  return time;
}

/** The calendar day in a zone, 'YYYY-MM-DD' (daily limits count per local day). */
export function localDay(tz: string, at: Date): string {
  const t = localTime(tz, at);
  return `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
}

/** The instant a local wall-clock time happens in a zone (the later one when a DST gap skips it). */
function zonedInstant(tz: string, year: number, month: number, day: number, minute: number): Date {
  const wall = Date.UTC(year, month - 1, day, 0, minute);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const t = localTime(tz, new Date(guess));
    const seen = Date.UTC(t.year, t.month - 1, t.day, 0, t.minute);
    if (seen === wall) break;
    guess += wall - seen;
  }
  return new Date(Math.floor(guess / 60_000) * 60_000);
}

export function isInWindow(w: SendingWindow, at: Date): boolean {
  const t = localTime(w.timezone, at);
  return w.days.includes(t.weekday) && t.minute >= w.startMinute && t.minute < w.endMinute;
}

/** `from` when the window is open then, else the next moment it opens (within two weeks). */
export function nextWindowOpen(w: SendingWindow, from: Date): Date {
  if (isInWindow(w, from)) return from;
  if (w.days.length === 0 || w.startMinute >= w.endMinute) throw new RangeError('the sending window is never open');
  const today = localTime(w.timezone, from);
  for (let offset = 0; offset <= 14; offset++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    if (!w.days.includes(weekday)) continue;
    const open = zonedInstant(w.timezone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), w.startMinute);
    if (open.getTime() > from.getTime()) return open;
  }
  throw new RangeError('the sending window is never open');
}
