// Once per shared object, whichever module copy asks: Next.js bundles instrumentation.ts and
// the route handlers separately, so a module can be loaded twice while the runtime and its
// store (globalThis singletons) are shared — a module-level map would start things twice.
// The mark is a global symbol on the object itself.

type Marked = Record<symbol, unknown>;

/** Runs `make` the first time `key` is asked for on `obj`; later calls get the same value. */
export function oncePer<T>(obj: object, key: string, make: () => T, opts: { retryOnFailure?: boolean } = {}): T {
  const sym = Symbol.for(`cashtrace.${key}`);
  const marked = obj as Marked;
  if (sym in marked) return marked[sym] as T;
  const value = make();
  marked[sym] = value;
  if (opts.retryOnFailure && value instanceof Promise) {
    value.catch(() => {
      if (marked[sym] === value) delete marked[sym];
    });
  }
  return value;
}
