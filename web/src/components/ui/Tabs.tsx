import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { Icon } from './Icon';

export interface TabItem<T extends string> {
  id: T;
  label: string;
  /** Marks a tab whose panel needs attention (e.g. "2 errors"); read after the label. */
  alert?: string;
}

interface TabsProps<T extends string> {
  /** Prefix for the tab and panel ids; the same value goes to each <TabPanel>. */
  id: string;
  label: string;
  tabs: TabItem<T>[];
  value: T;
  onChange: (value: T) => void;
}

export const tabId = (id: string, tab: string) => `${id}-tab-${tab}`;
export const panelId = (id: string, tab: string) => `${id}-panel-${tab}`;

/** WAI-ARIA tabs with automatic activation: arrow keys, Home and End move between tabs. */
export function Tabs<T extends string>({ id, label, tabs, value, onChange }: TabsProps<T>) {
  const listRef = useRef<HTMLDivElement>(null);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = tabs.findIndex((tab) => tab.id === value);
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next === null) return;
    event.preventDefault();
    const tab = tabs[next];
    if (!tab) return;
    onChange(tab.id);
    listRef.current?.querySelector<HTMLButtonElement>(`#${CSS.escape(tabId(id, tab.id))}`)?.focus();
  }

  return (
    <div className="tabs" role="tablist" aria-label={label} ref={listRef} onKeyDown={onKeyDown}>
      {tabs.map((tab) => {
        const selected = tab.id === value;
        return (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={tabId(id, tab.id)}
            aria-selected={selected}
            aria-controls={panelId(id, tab.id)}
            tabIndex={selected ? 0 : -1}
            className={selected ? 'tab tab-selected' : 'tab'}
            onClick={() => onChange(tab.id)}
          >
            {tab.label}
            {tab.alert && (
              <>
                <Icon name="alert" size={14} className="tab-alert" />
                <span className="visually-hidden"> ({tab.alert})</span>
              </>
            )}
          </button>
        );
      })}
    </div>
  );
}

export function TabPanel({ id, tab, children }: { id: string; tab: string; children: ReactNode }) {
  return (
    <div role="tabpanel" id={panelId(id, tab)} aria-labelledby={tabId(id, tab)} className="tab-panel">
      {children}
    </div>
  );
}
