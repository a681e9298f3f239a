/**
 * The one place the workspace talks to the server. Calls return results, never throw: pages show the
 * API's own error messages (and put `issues` next to the right field). A 401 means the session ended:
 * the browser goes to sign-in and comes back here afterwards.
 */
export interface ApiIssue {
  path: string;
  message: string;
}

export interface ApiProblem {
  /** HTTP status; 0 when the server could not be reached. */
  status: number;
  code: string;
  message: string;
  issues: ApiIssue[];
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiProblem };

type Query = Record<string, string | number | boolean | null | undefined | string[]>;

/** `/api/accounts` + `{ q: 'x', page: 2 }` → `/api/accounts?q=x&page=2` (empty values left out). */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

export function signInAgain(): void {
  const here = location.pathname + location.search;
  location.assign(`/signin?next=${encodeURIComponent(here)}`);
}

async function call<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, error: { status: 0, code: 'network', message: 'Keypulse could not be reached. Check your connection and try again.', issues: [] } };
  }
  if (res.status === 401) {
    signInAgain();
    return { ok: false, error: { status: 401, code: 'unauthorized', message: 'Your session has ended. Please sign in again.', issues: [] } };
  }
  if (res.status === 204) return { ok: true, data: undefined as T };
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const error = json?.error ?? {};
    return {
      ok: false,
      error: { status: res.status, code: error.code ?? 'internal', message: error.message ?? `The server answered ${res.status}.`, issues: error.issues ?? [] },
    };
  }
  return { ok: true, data: json as T };
}

export const api = {
  get: <T>(path: string, query?: Query) => call<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
  delete: <T>(path: string) => call<T>('DELETE', path),
  /** A raw body (CSV import). */
  send: <T>(method: string, path: string, body: BodyInit, contentType: string) => sendBody<T>(method, path, body, { 'content-type': contentType }),
  /** Files as multipart/form-data (the browser writes the content type with its boundary). */
  upload: <T>(path: string, form: FormData) => sendBody<T>('POST', path, form, {}),
};

/** A body that is not JSON (a CSV file, a multipart form), with the same answers and errors as `call`. */
async function sendBody<T>(method: string, path: string, body: BodyInit, headers: Record<string, string>): Promise<ApiResult<T>> {
  try {
    const res = await fetch(path, { method, credentials: 'same-origin', headers: { accept: 'application/json', ...headers }, body });
    if (res.status === 401) signInAgain();
    const json = await res.json().catch(() => null);
    if (!res.ok) return { ok: false, error: { status: res.status, code: json?.error?.code ?? 'internal', message: json?.error?.message ?? `The server answered ${res.status}.`, issues: json?.error?.issues ?? [] } };
    return { ok: true, data: json as T };
  } catch {
    return { ok: false, error: { status: 0, code: 'network', message: 'Keypulse could not be reached. Check your connection and try again.', issues: [] } };
  }
}

/** Field path → message, for showing the API's validation issues beside each input. */
export function issuesByField(problem: ApiProblem | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of problem?.issues ?? []) out[issue.path] ??= issue.message;
  return out;
}
