// Typechecked for Node too (its tests call a real server), so it uses only what browsers and Node
// share: fetch and JSON.
import { IPC_CHANNEL_NAMES } from '../../../shared/hippo-api';
import type { HippoClient, IpcChannel, IpcResult } from '../../../shared/ipc-contract';
import { NOT_ANSWERING, NOT_AUTHORIZED } from './messages';

type Failure = Extract<IpcResult<never>, { ok: false }>;
const failure = (code: string, message: string): Failure => ({ ok: false, error: { code, message } });

/**
 * The app's HippoClient for a page served by `hippo serve` in a plain browser: every channel is a
 * POST to /api/v1/call/:channel on the same origin, answered by the same app service the desktop
 * app's IPC uses. Like `window.hippo` it never rejects: a refused token, a dead server or a bad
 * request all come back as `{ ok: false, error }` with a message meant for a person.
 */
export function createHttpClient(token: string | null, fetchImpl: typeof fetch = fetch): HippoClient {
  async function call(channel: IpcChannel, input: unknown): Promise<IpcResult<unknown>> {
    if (!token) return failure('UNAUTHORIZED', NOT_AUTHORIZED);
    let response: Response;
    try {
      response = await fetchImpl(`/api/v1/call/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      return failure('UNREACHABLE', NOT_ANSWERING);
    }
    if (response.status === 401) return failure('UNAUTHORIZED', NOT_AUTHORIZED);
    let json: unknown = null;
    try {
      json = await response.json();
    } catch {
      // Not JSON (a proxy page, a cut connection): told by status below.
    }
    if (response.ok && isResult(json)) return json;
    const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    return failure(
      typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      typeof error?.message === 'string' ? error.message : `Hippo answered ${response.status}.`,
    );
  }

  const client: Record<string, (input: unknown) => Promise<IpcResult<unknown>>> = {};
  for (const channel of IPC_CHANNEL_NAMES) client[channel] = (input) => call(channel, input);
  return client as HippoClient;
}

function isResult(v: unknown): v is IpcResult<unknown> {
  return typeof v === 'object' && v !== null && 'ok' in v && typeof v.ok === 'boolean';
}
