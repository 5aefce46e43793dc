import { useCallback, useEffect, useRef, useState } from 'react';
import type { Polled } from './use-poll.js';

/**
 * Loads `fetcher` once per `key` (and again on `reload`), without polling: for what an operator is editing, which
 * must not change under their hands.
 */
export function useLoad<T>(key: string, fetcher: (signal: AbortSignal) => Promise<T>): Polled<T> {
  const [state, setState] = useState<{ key: string; tick: number; data?: T; error?: Error; loaded: boolean }>({ key, tick: 0, loaded: false });
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    fetcherRef.current(controller.signal).then(
      (data) => setState({ key, tick, data, loaded: true }),
      (e: Error) => {
        if (e.name !== 'AbortError') setState({ key, tick, error: e, loaded: true });
      },
    );
    return () => controller.abort();
  }, [key, tick]);

  const current = state.key === key;
  return { data: current ? state.data : undefined, error: current ? state.error : undefined, loading: !current || !state.loaded, reload };
}
