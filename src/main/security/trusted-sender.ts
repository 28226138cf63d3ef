import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';

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
