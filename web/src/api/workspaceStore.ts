import { useSyncExternalStore } from 'react';

// The selected workspace lives in localStorage so it survives reloads and is shared by tabs.
const STORAGE_KEY = 'ms.workspaceId';
const listeners = new Set<() => void>();

function read(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be unavailable (privacy modes); the server's current workspace applies then.
    return null;
  }
}

function notify(): void {
  for (const listener of listeners) listener();
}

export function getStoredWorkspaceId(): string | null {
  return read();
}

export function setStoredWorkspaceId(id: string | null): void {
  try {
    if (id === null) window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, id);
  } catch {
    // Ignored for the same reason as in read().
  }
  notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function useStoredWorkspaceId(): string | null {
  return useSyncExternalStore(subscribe, read, () => null);
}
