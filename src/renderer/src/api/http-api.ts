// Typechecked for Node too (its tests call a real server), so it uses only what browsers and Node
// share: fetch, URL, AbortSignal.
import type { RecallMode, SearchResult, Stats } from '../../../shared/contract';

export interface RecallAnswer {
  mode: RecallMode;
  results: SearchResult[];
}

/** A failed call, with a message for a person. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const NOT_AUTHORIZED =
  'This page is not authorized to read your memory. Open the link that `hippo serve` printed (it carries the access token).';
export const NOT_ANSWERING = 'Hippo is not answering. Is `hippo serve` still running?';

export interface HttpApi {
  stats(signal?: AbortSignal): Promise<Stats>;
  recall(query: string, signal?: AbortSignal): Promise<RecallAnswer>;
}

/** The local HTTP API of `hippo serve`, called from a page it serves (same origin). */
export function createHttpApi(token: string | null, fetchImpl: typeof fetch = fetch): HttpApi {
  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    if (!token) throw new ApiError('UNAUTHORIZED', NOT_AUTHORIZED);
    let response: Response;
    try {
      response = await fetchImpl(path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new ApiError('UNREACHABLE', NOT_ANSWERING);
    }
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: reported below by status.
    }
    if (!response.ok) {
      if (response.status === 401) throw new ApiError('UNAUTHORIZED', NOT_AUTHORIZED);
      const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? `Hippo answered ${response.status} ${response.statusText}.`,
      );
    }
    return json as T;
  }
  return {
    stats: (signal) => call<Stats>('GET', '/api/v1/stats', undefined, signal),
    recall: (query, signal) => call<RecallAnswer>('POST', '/api/v1/recall', { query, limit: 20 }, signal),
  };
}
