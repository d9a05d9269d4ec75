// Every data call of the dashboard: the key its user typed (kept in sessionStorage, so it ends
// with the tab) as a bearer token. The static files need no key; the admin API decides on it.
const KEY_ITEM = 'switchyard.key';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_ITEM);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY_ITEM, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY_ITEM);
}

// `/ui/#key=KEY` signs in too: the fragment never reaches the server or its logs, and is taken
// off the address at once so it does not stay in the history.
export function takeKeyFromFragment(): void {
  const match = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!match) return;
  storeKey(decodeURIComponent(match[1]));
  history.replaceState(null, '', location.pathname + location.search + '#/overview');
}

// Called on a 401: the key is wrong or was revoked; the app shows the sign-in again.
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(f: () => void): void {
  onUnauthorized = f;
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const key = storedKey();
  if (key) headers.set('authorization', `Bearer ${key}`);
  const res = await fetch(path, { ...init, headers, cache: 'no-store' });
  if (res.status === 401) {
    forgetKey();
    onUnauthorized();
  }
  return res;
}

async function failure(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = await res.json();
    message = body?.error?.message ?? message;
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, message);
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await request(path);
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

// A GET whose absence is an answer ("not configured"): null on 404/405/501.
export async function getOptional<T>(path: string): Promise<T | null> {
  const res = await request(path);
  if (res.status === 404 || res.status === 405 || res.status === 501) return null;
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

export async function getText(path: string): Promise<string> {
  const res = await request(path);
  if (!res.ok) throw await failure(res);
  return res.text();
}
