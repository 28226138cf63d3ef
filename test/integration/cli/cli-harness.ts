import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main, type CliIo } from '../../../src/cli/main';
import { makeTempDir } from '../../helpers/temp-dir';
import { Capture } from '../../helpers/capture-stream';
export { Capture };

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const LEXICAL_MODEL = path.join(ROOT, 'test/.models/lexical');
export const BIN = path.join(ROOT, 'bin/hippo.mjs');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  dir: string;
  db: string;
  env: { HIPPO_HOME: string; HIPPO_DB: string; HIPPO_MODEL_DIR: string };
  cleanup: () => void;
}

/**
 * A temp HIPPO_HOME and HIPPO_DB. `model: 'lexical'` points HIPPO_MODEL_DIR at the generated test
 * model; `model: 'none'` at an empty folder, so Hippo runs text-only as on a first offline run.
 */
export function sandbox(model: 'lexical' | 'none'): Sandbox {
  const { dir, cleanup } = makeTempDir('hippo-cli-');
  const empty = path.join(dir, 'no-model');
  mkdirSync(empty);
  const db = path.join(dir, 'hippo.db');
  const env = {
    HIPPO_HOME: path.join(dir, 'home'),
    HIPPO_DB: db,
    HIPPO_MODEL_DIR: model === 'lexical' ? LEXICAL_MODEL : empty,
  };
  return { dir, db, env, cleanup };
}

export interface RunOptions {
  env: Record<string, string | undefined>;
  stdin?: string;
  isTTY?: boolean;
  stdinIsTTY?: boolean;
  signal?: AbortSignal;
  importChunkSize?: number;
}

/** Runs main() in-process with buffers for stdin/stdout/stderr. */
export async function runCli(args: string[], opts: RunOptions): Promise<RunResult> {
  const stdout = new Capture(false);
  const stderr = new Capture(opts.isTTY ?? false);
  const io: CliIo = {
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    stdout,
    stderr,
    env: opts.env,
    isTTY: opts.isTTY ?? false,
    stdinIsTTY: opts.stdinIsTTY ?? false,
    trapInterrupt: opts.signal ? () => opts.signal! : undefined,
    importChunkSize: opts.importChunkSize,
  };
  const code = await main(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Runs the built binary (bin/hippo.mjs → dist/cli.mjs) as a child process. */
export function runBin(
  args: string[],
  opts: { env: Record<string, string>; stdin?: string; onSpawn?: (pid: number) => void },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    child.stdin.end(opts.stdin ?? '');
  });
}

/** stdout of a --json command, parsed. */
export function json<T = Record<string, unknown>>(r: RunResult): T {
  return JSON.parse(r.stdout) as T;
}
