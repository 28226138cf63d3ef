import { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { HippoError } from '../shared/errors';
import { writeOut, type OutStream } from './cli-io';
import type { CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import {
  addStoreOptions,
  resolveStore,
  withStoreSession,
  type EngineStore,
  type StoreOptions,
} from './store-options';

export function exportCommand(ctx: CommandContext): Command {
  return addStoreOptions(new Command('export'))
    .summary('write all facts as JSONL (stdout or FILE)')
    .description(
      'Write every fact of the space, forgotten ones included, as JSONL that `hippo import` reads back losslessly.',
    )
    .argument('[file]', 'where to write (replaced whole, never half-written); stdout when absent or "-"')
    .action((file: string | undefined, opts: StoreOptions, cmd: Command) =>
      ctx.run(cmd, () =>
        withStoreSession(
          ctx.io,
          ctx.globals(cmd),
          resolveStore(opts, ctx.io.env),
          { model: false },
          async (s) => {
            if (file === undefined || file === '-') {
              await writeRecords(s.memory, ctx.io.stdout);
              return EXIT_OK;
            }
            const count = await exportToFile(s.memory, file);
            ctx.io.stderr.write(`Exported ${count} ${count === 1 ? 'fact' : 'facts'} to ${file}\n`);
            return EXIT_OK;
          },
        ),
      ),
    );
}

async function writeRecords(memory: EngineStore, out: OutStream): Promise<number> {
  let count = 0;
  let buffer = '';
  for await (const record of memory.exportRecords()) {
    buffer += `${JSON.stringify(record)}\n`;
    count++;
    if (buffer.length >= 64 * 1024) {
      await writeOut(out, buffer);
      buffer = '';
    }
  }
  if (buffer) await writeOut(out, buffer);
  return count;
}

/** Writes beside the target and renames, so an existing export is never left half-overwritten. */
async function exportToFile(memory: EngineStore, file: string): Promise<number> {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  const stream = createWriteStream(tmp, { flags: 'wx' });
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    const count = await writeRecords(memory, stream);
    stream.end();
    await finished(stream);
    await rename(tmp, file);
    return count;
  } catch (e) {
    stream.destroy();
    await rm(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR' || err.code === 'ENOTDIR')
      throw new HippoError('BAD_INPUT', `cannot write "${file}": ${err.message}`);
    throw e;
  }
}
