/** The unread-messages count shown in the header: polled, and refreshed at once when a message is read. */
import { useEffect, useState } from 'react';
import { api } from './api';

const listeners = new Set<() => void>();
export function notifyUnreadChanged(): void {
  for (const l of listeners) l();
}

export function useUnreadCount(enabled: boolean, intervalMs = 60_000): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let alive = true;
    const load = () =>
      api.get<{ unread: number }>('/notifications/unread-count').then(
        (r) => alive && setCount(r.unread),
        () => undefined,
      );
    void load();
    const t = setInterval(load, intervalMs);
    listeners.add(load);
    return () => {
      alive = false;
      clearInterval(t);
      listeners.delete(load);
    };
  }, [enabled, intervalMs]);
  return count;
}
