/** IANA time zones for the schedule: what this browser knows, plus UTC and the zone already chosen. */
export function timeZoneOptions(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    // Very old browsers: the current value and UTC still work.
  }
  const all = new Set(['UTC', ...zones]);
  if (current) all.add(current);
  return [...all].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function wallClock(instant: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The instant's calendar day in the zone, as YYYY-MM-DD. */
export function isoToZonedDate(iso: string, timeZone: string): string {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return '';
  try {
    const { year, month, day } = wallClock(instant, timeZone);
    return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  } catch {
    return iso.slice(0, 10);
  }
}

/** Midnight at the start of `date` (YYYY-MM-DD) in the zone, as an ISO instant. */
export function zonedMidnightToIso(date: string, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const target = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  try {
    // Guess, see what wall-clock time that is in the zone, correct by the difference; twice covers a DST change.
    let instant = target;
    for (let i = 0; i < 2; i += 1) {
      const w = wallClock(instant, timeZone);
      const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
      instant += target - shown;
    }
    return new Date(instant).toISOString();
  } catch {
    return new Date(target).toISOString();
  }
}
