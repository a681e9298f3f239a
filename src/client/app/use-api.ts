import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, type ApiProblem } from './api.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiProblem | undefined;
  loading: boolean;
  /**
   * Fetches again (after a change); the old data stays on screen meanwhile. The promise settles
   * once the fresh data is on screen, so a status line can follow the list it describes.
   */
  reload: () => Promise<void>;
}

/**
 * Loads a GET endpoint and reloads when the path (query included) changes. `null` loads nothing
 * (waiting on something else). Answers that arrive after a newer request started are dropped.
 */
export function useApi<T>(path: string | null): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiProblem; loading: boolean }>({ loading: path !== null });
  const [tick, setTick] = useState(0);
  const waiting = useRef<Array<() => void>>([]);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    api.get<T>(path).then((result) => {
      if (!current) return;
      setState(result.ok ? { data: result.data, loading: false } : { data: undefined, error: result.error, loading: false });
      const settled = waiting.current.splice(0);
      // Resolve after the render that shows the new data.
      setTimeout(() => settled.forEach((resolve) => resolve()), 0);
    });
    return () => {
      current = false;
    };
  }, [path, tick]);
  const reload = useCallback(
    () =>
      new Promise<void>((resolve) => {
        waiting.current.push(resolve);
        setTick((t) => t + 1);
      }),
    [],
  );
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
