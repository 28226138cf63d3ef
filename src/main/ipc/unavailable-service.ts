import { isHippoError, type ErrorPayload } from '../../shared/errors';
import { isIpcChannel, type AppInfo, type IpcResult } from '../../shared/ipc-contract';
import type { AppService } from '../app-service/app-service';

/**
 * What answers the renderer when the database could not be opened (locked, corrupt, a migration
 * failed): app:info still works so the window can show where the data lives, and every other
 * channel explains the failure instead of Electron's "no handler registered".
 */
export function unavailableService(
  openError: unknown,
  dbPath: string,
  appInfo: () => AppInfo,
): Pick<AppService, 'dispatch'> {
  const error: ErrorPayload = isHippoError(openError)
    ? openError.toPayload()
    : {
        code: 'DB_ERROR',
        message: `Hippo could not open its database at ${dbPath}: ${
          openError instanceof Error ? openError.message : String(openError)
        }`,
      };
  return {
    dispatch(channel: string, _input: unknown): Promise<IpcResult<unknown>> {
      if (channel === 'app:info') return Promise.resolve({ ok: true, value: appInfo() });
      if (!isIpcChannel(channel)) {
        return Promise.resolve({
          ok: false,
          error: { code: 'BAD_INPUT', message: `channel: unknown channel "${channel.slice(0, 100)}"` },
        });
      }
      return Promise.resolve({ ok: false, error });
    },
  };
}
