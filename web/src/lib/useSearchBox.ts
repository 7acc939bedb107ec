import { useEffect, useRef, useState } from 'react';
import { useDebouncedValue } from './useDebouncedValue';

/**
 * A search box whose value lives in the URL: typing updates the URL once it pauses, and the URL
 * stays the source of truth (back/forward or "Clear filters" change it from outside).
 */
export function useSearchBox(urlValue: string, onCommit: (value: string) => void) {
  const [text, setText] = useState(urlValue);
  const debounced = useDebouncedValue(text, 300);
  const lastCommitted = useRef(urlValue);

  useEffect(() => {
    if (debounced.trim() === lastCommitted.current) return;
    lastCommitted.current = debounced.trim();
    onCommit(debounced.trim());
  }, [debounced, onCommit]);

  useEffect(() => {
    if (urlValue === lastCommitted.current) return;
    lastCommitted.current = urlValue;
    setText(urlValue);
  }, [urlValue]);

  return [text, setText] as const;
}
