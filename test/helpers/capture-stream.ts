import { Writable } from 'node:stream';

/** Collects what a command writes; isTTY/columns make cli-progress draw as on a terminal. */
export class Capture extends Writable {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 100,
  ) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}
