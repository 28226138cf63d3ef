import { utilityProcess } from 'electron';

import type { FromWorker, ToWorker } from '../shared/embedder-protocol';
import type { WorkerHost } from './embedder/types';
import embedderWorkerPath from '../utility/embedder-worker?modulePath';

/**
 * Runs the embedder worker as an Electron utilityProcess: a Node process outside the main one, so a
 * slow or crashing model never blocks or takes down the UI. Speaks the same protocol as the Node host.
 * Like every utilityProcess it may only be forked after app 'ready'.
 */
export function createUtilityWorkerHost(): WorkerHost {
  const child = utilityProcess.fork(embedderWorkerPath, [], {
    serviceName: 'hippo-embedder',
    stdio: 'inherit',
  });
  // undefined while running; the exit code once it has ended, so a late onExit still hears of it.
  let exitCode: number | undefined;
  child.once('exit', (code: number) => {
    exitCode = code;
  });

  return {
    post(msg: ToWorker): void {
      // A message to a dead worker is dropped; the client learns of the death through onExit.
      if (exitCode === undefined) child.postMessage(msg);
    },
    onMessage(cb: (msg: FromWorker) => void): void {
      child.on('message', (msg: FromWorker) => cb(msg));
    },
    onExit(cb: (code: number | null, signal: string | null) => void): void {
      // utilityProcess reports only an exit code (a crash is a non-zero code), never a signal.
      if (exitCode !== undefined) {
        const code = exitCode;
        queueMicrotask(() => cb(code, null));
        return;
      }
      child.once('exit', (code: number) => cb(code, null));
    },
    kill(): void {
      if (exitCode === undefined) child.kill();
    },
  };
}
