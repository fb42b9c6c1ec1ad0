// The one door to /api/v1: JSON in and out, the session cookie (same origin), the CSRF token on
// every request that changes something, and the API's error shape as an ApiError.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message without its leading "field: ", for display next to that field. */
  get fieldMessage(): string {
    const prefix = this.field ? `${this.field}: ` : '';
    return prefix && this.message.startsWith(prefix) ? this.message.slice(prefix.length) : this.message;
  }
}

/** status 0: the request never got an answer (dzvin down, network gone). */
export const kNetworkError = 'network';

let csrfToken: string | null = null;
let unauthorizedListener: (() => void) | null = null;

/** The login's (or /auth/me's) CSRF token, kept in memory only. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request that needed a session gets a 401: the session has ended. */
export function onSessionEnded(listener: (() => void) | null): void {
  unauthorizedListener = listener;
}

const kSafeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RequestOptions {
  signal?: AbortSignal;
  /** A 401 is an answer here (the login form, the start-up check), not an ended session. */
  allowUnauthorized?: boolean;
  /** The body is sent as it is (a file) with this Content-Type, instead of as JSON. */
  contentType?: string;
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
  if (!kSafeMethods.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : options.contentType ? (body as BodyInit) : JSON.stringify(body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, kNetworkError, String(error));
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let document: unknown = null;
  try {
    document = text ? JSON.parse(text) : null;
  } catch {
    document = null;
  }
  if (response.ok) return document as T;
  const error = errorOf(response, document);
  if (error.status === 401 && !options.allowUnauthorized) unauthorizedListener?.();
  throw error;
}

function errorOf(response: Response, document: unknown): ApiError {
  const body = (document as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
  const retryAfter = Number(response.headers.get('Retry-After'));
  return new ApiError(
    response.status,
    body?.code ?? `http_${response.status}`,
    body?.message ?? `${response.status} ${response.statusText}`,
    body?.field || undefined,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

/** "?a=1&b=x" from the defined values; arrays repeat the key. */
export function queryString(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
