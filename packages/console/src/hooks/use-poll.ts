import { useCallback, useEffect, useRef, useState } from 'react';

/** Live pages poll this often: an instance turning unhealthy shows within about a second (issue: within 2 s). */
export const POLL_MS = 1000;

export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  /** True until the first answer (or error) arrives: the page shows its loading state. */
  loading: boolean;
  /** Loads again now, e.g. right after an action changed what the page shows. */
  reload: () => void;
}

/**
 * Loads `fetcher` at once and then every `intervalMs` while the page shows, never two requests at a time.
 * `key` names what is loaded: when it changes, the old data is dropped. Errors keep the last good data, so a
 * server restart shows a banner instead of a blank page.
 */
export function usePoll<T>(key: string, fetcher: (signal: AbortSignal) => Promise<T>, intervalMs: number = POLL_MS): Polled<T> {
  const [state, setState] = useState<{ key: string; data?: T; error?: Error; loaded: boolean }>({ key, loaded: false });
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    const run = async () => {
      controller = new AbortController();
      try {
        const data = await fetcherRef.current(controller.signal);
        if (!stopped) setState({ key, data, loaded: true });
      } catch (e) {
        if (stopped || (e as Error).name === 'AbortError') return;
        setState((s) => ({ key, data: s.key === key ? s.data : undefined, error: e as Error, loaded: true }));
      }
      if (!stopped) timer = setTimeout(run, intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
    };
  }, [key, intervalMs, tick]);

  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: !current || !state.loaded,
    reload,
  };
}

/** The current time, ticking: ages ("4.2 s ago") move between polls. */
export function useNow(intervalMs = 500): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
