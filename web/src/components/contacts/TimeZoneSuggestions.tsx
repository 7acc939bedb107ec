import { useMemo } from 'react';
import { TIME_ZONE_LIST_ID, timeZoneNames } from './contactDisplay';

export function TimeZoneSuggestions() {
  const names = useMemo(() => timeZoneNames(), []);
  return (
    <datalist id={TIME_ZONE_LIST_ID}>
      {names.map((zone) => (
        <option key={zone} value={zone} />
      ))}
    </datalist>
  );
}
