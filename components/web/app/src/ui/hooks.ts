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

/**
 * What the server answers for a form still being typed: `ask(request)` a moment after
 * the last change, the answer kept, or the first field error (or the title) said as one
 * line. `request` null is "not ready": `waiting` is what to say instead.
 */
export function useLiveAnswer<Q, A>(
  request: Q | null,
  ask: (request: Q) => Promise<{ data?: A; error?: { title: string; errors?: { field: string; message: string }[] } }>,
  waiting: string,
): { answer: A | null; problem: string | null } {
  const [answer, setAnswer] = useState<A | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const key = JSON.stringify(request);
  useEffect(() => {
    if (!request) {
      setAnswer(null);
      setProblem(waiting);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      void ask(request).then(({ data, error }) => {
        if (!live) return;
        setAnswer(data ?? null);
        setProblem(error ? (error.errors?.[0] ? `${error.errors[0].field}: ${error.errors[0].message}` : error.title) : null);
      });
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
  return { answer, problem };
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
