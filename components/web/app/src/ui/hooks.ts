import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError } from "../api/problem";

export type Resource<T> = { data?: T; error?: ApiError; loading: boolean; reload: () => void };

/** Loads `load()` when `deps` change; a failure is kept as the screen's error. */
export function useResource<T>(load: () => Promise<T>, deps: unknown[]): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error: asApiError(error), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError
    ? error
    : new ApiError({ type: "/problems/client", title: "Something went wrong", status: 0, detail: String(error) });
}

/** A form's submit: runs `action`, keeps its failure for the fields and the banner. */
export function useSubmit<A extends unknown[]>(action: (...args: A) => Promise<void>) {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      await action(...args);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return { run, error, busy, fields: error?.fields() ?? {} };
}

/** Cursor paging: the API's cursors are opaque, so "back" is the stack of those used. */
export function useCursors() {
  const [stack, setStack] = useState<string[]>([]);
  return {
    cursor: stack[stack.length - 1],
    atFirst: stack.length === 0,
    first: () => setStack([]),
    next: (c: string) => setStack([...stack, c]),
  };
}
export type Cursors = ReturnType<typeof useCursors>;
