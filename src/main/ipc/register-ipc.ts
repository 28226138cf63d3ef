import type { IpcMainInvokeEvent } from 'electron';

import { IPC_CHANNELS, type IpcChannel, type IpcResult } from '../../shared/ipc-contract';
import type { AppService } from '../app-service/app-service';
import type { AppOrigin } from '../security/app-origin';
import { onlyFromApp } from '../security/trusted-sender';

type InvokeEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;

/** The part of Electron's ipcMain this module uses, so tests can pass a recorder. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/**
 * One ipcMain.handle per channel, each answering only the app's own page and passing the request
 * to the app service, which parses it and never throws. Returns a function that removes them.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  service: Pick<AppService, 'dispatch'>,
  appOrigin: AppOrigin,
): () => void {
  const channels = Object.keys(IPC_CHANNELS) as IpcChannel[];
  for (const channel of channels) {
    ipcMain.handle(
      channel,
      onlyFromApp(appOrigin, (_event: InvokeEvent, input?: unknown): Promise<IpcResult<unknown>> =>
        service.dispatch(channel, input),
      ),
    );
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
