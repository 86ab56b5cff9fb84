// CSRF on the client: the session's token lives in the readable ct_csrf cookie and goes
// back in the X-CSRF-Token header of every state-changing same-origin request. Installed
// once as a fetch wrapper (providers.tsx), so every page's POST/PATCH/DELETE carries it.

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function csrfToken(): string {
  if (typeof document === 'undefined') return '';
  const m = /(?:^|;\s*)ct_csrf=([^;]*)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]) : '';
}

let installed = false;

export function installCsrfFetch(): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  const original = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
    if (!STATE_CHANGING.has(method) || url.origin !== window.location.origin) return original(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has('x-csrf-token')) headers.set('x-csrf-token', csrfToken());
    return original(input, { ...init, headers });
  };
}
