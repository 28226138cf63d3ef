import cliProgress from 'cli-progress';
import type { OutStream } from './cli-io';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update() {}, stop() {} };

/** A bar on stderr when it is a terminal; nothing otherwise (logs and pipes stay clean). */
export function progressBar(stream: OutStream, isTTY: boolean, total: number, unit: string): Progress {
  if (!isTTY || total === 0) return NO_PROGRESS;
  const bar = new cliProgress.SingleBar({
    stream,
    format: `{bar} {percentage}% | {value} of {total} ${unit} | {eta_formatted} left`,
    barCompleteChar: '\u2588',
    barIncompleteChar: '\u2591',
    barsize: 30,
    fps: 10,
    hideCursor: false,
  });
  bar.start(total, 0);
  let stopped = false;
  return {
    update(done) {
      bar.update(done);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
