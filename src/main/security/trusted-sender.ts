import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';

import type { Result } from '../../shared/errors';
import { isAppUrl, type AppOrigin } from './app-origin';

/**
 * Every IPC handler asks this first: only a frame showing the app's own page may call the main
 * process. A frame that has navigated away, or been destroyed (senderFrame null), is refused.
 */
export function isTrustedSender(
  event: Pick<IpcMainEvent | IpcMainInvokeEvent, 'senderFrame'>,
  app: AppOrigin,
): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  return isAppUrl(frame.url, app);
}

type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;

/** What a refused IPC call answers; the caller is not the app, so it learns nothing more. */
export const UNTRUSTED_SENDER_RESULT: Result<never> = Object.freeze({
  ok: false,
  error: Object.freeze({
    code: 'BAD_INPUT',
    message: "refused: the request did not come from Hippo's own page",
  }),
});

/**
 * Wraps an ipcMain.handle handler so it runs only for the app's own page, answering anything else
 * with UNTRUSTED_SENDER_RESULT: `ipcMain.handle(channel, onlyFromApp(appOrigin, handler))`.
 */
export function onlyFromApp<E extends SenderEvent, A extends unknown[], R>(
  app: AppOrigin,
  handler: (event: E, ...args: A) => R | Promise<R>,
): (event: E, ...args: A) => Promise<R | Result<never>> {
  return async (event, ...args) => {
    if (!isTrustedSender(event, app)) return UNTRUSTED_SENDER_RESULT;
    return handler(event, ...args);
  };
}
