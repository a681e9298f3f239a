import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, type ApiProblem } from './api.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiProblem | undefined;
  loading: boolean;
  /** Fetches again (after a change); the old data stays on screen meanwhile. */
  reload: () => void;
}

/**
 * Loads a GET endpoint and reloads when the path (query included) changes. `null` loads nothing
 * (waiting on something else). Answers that arrive after a newer request started are dropped.
 */
export function useApi<T>(path: string | null): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiProblem; loading: boolean }>({ loading: path !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    api.get<T>(path).then((result) => {
      if (!current) return;
      setState(result.ok ? { data: result.data, loading: false } : { data: undefined, error: result.error, loading: false });
    });
    return () => {
      current = false;
    };
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
