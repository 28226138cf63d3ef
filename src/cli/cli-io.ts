import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { HippoError } from '../shared/errors';
import type { OutStream } from './model-commands';

export type { OutStream };

/**
 * Everything a command touches outside the database, so `main` runs the same in-process (tests
 * pass buffers) and as the `hippo` binary (bin/hippo.mjs passes the real process).
 */
export interface CliIo {
  stdin: Readable;
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  /** stderr is a terminal: draw progress bars and print the text-only notice there. */
  isTTY: boolean;
  /** stdin is a terminal: `encode` without TEXT then refuses instead of waiting for input. */
  stdinIsTTY?: boolean;
  /**
   * Called by long commands (import, recall --batch, model fetch) that stop cleanly on Ctrl-C; the
   * signal aborts on the first interrupt. Other commands keep the default (exit at once).
   */
  trapInterrupt?: () => AbortSignal;
  /** Facts per import transaction; tests lower it to see several chunks. */
  importChunkSize?: number;
}

/** Writes respecting back-pressure, so exporting a large database does not buffer it all. */
export async function writeOut(stream: OutStream, text: string): Promise<void> {
  if (stream.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (e?: Error): void => {
      stream.off('drain', onDrain);
      stream.off('error', done);
      if (e) reject(e);
      else resolve();
    };
    const onDrain = (): void => done();
    stream.once('drain', onDrain);
    stream.once('error', done);
  });
}

export function writeJson(stream: OutStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Reads a whole stream (stdin) as UTF-8. */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Collapses a message onto one line: errors and notices on stderr are one line each. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** A file named on the command line ("-" is stdin); a missing or unreadable file is the caller's BAD_INPUT. */
export async function readInputFile(file: string, stdin: Readable): Promise<string> {
  if (file === '-') return readAll(stdin);
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT'
        ? 'no such file'
        : err.code === 'EISDIR'
          ? 'it is a folder'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.message;
    throw new HippoError('BAD_INPUT', `cannot read "${file}": ${why}`);
  }
}
