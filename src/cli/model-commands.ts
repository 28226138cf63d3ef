import cliProgress from 'cli-progress';
import {
  fetchModel,
  modelStatus,
  type FetchProgress,
  type ModelDirStatus,
} from '../main/embedder/model-fetch';
import { resolveModelManifest, type ModelVariant } from '../main/embedder/model-manifest';
import { toErrorPayload, type ErrorPayload } from '../shared/errors';

/** What the commands write to; process.stdout / process.stderr in the CLI, buffers in tests. */
export type OutStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface RunModelFetchOptions {
  /** Manifest file; default HIPPO_MODEL_MANIFEST, else the one shipped in resources/. */
  manifestPath?: string;
  /** Which shipped manifest: fp32 (default) or int8. */
  variant?: ModelVariant;
  /** Where the model goes (the caller picks the default, e.g. the user data model folder). */
  destDir: string;
  /** Print one Result envelope ({ ok, value } / { ok, error }) on stdout and no progress. */
  json: boolean;
  stdout: OutStream;
  stderr: OutStream;
  /** Draw a progress bar on stderr; otherwise print a line every 10%. */
  isTTY: boolean;
  /** HIPPO_MODEL_MANIFEST and HIPPO_MODEL_BASE_URL are read from here; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Aborting (e.g. on SIGINT) stops the download and keeps the partial files for a resume. */
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

export interface RunModelStatusOptions {
  manifestPath?: string;
  /** Which shipped manifest to check the folders against: fp32 (default) or int8. */
  variant?: ModelVariant;
  /** Folders to look in, in resolution order (e.g. from model-locate). */
  dirs: string[];
  /** Also check sha256 (reads every byte; about a second for the 90 MB model). */
  verify?: boolean;
  json: boolean;
  stdout: OutStream;
  stderr: OutStream;
  env?: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;

/** `hippo model fetch`: downloads and verifies the model into destDir; returns the exit code. */
export async function runModelFetch(opts: RunModelFetchOptions): Promise<number> {
  let progress: ProgressReporter | null = null;
  try {
    const { manifest, manifestPath } = await resolveModelManifest({
      manifestPath: opts.manifestPath,
      env: opts.env,
      variant: opts.variant,
    });
    const total = manifest.files.reduce((n, f) => n + f.size, 0);
    if (!opts.json) {
      opts.stderr.write(
        `Fetching model ${manifest.id} (${formatBytes(total)}, ${manifest.files.length} files) ` +
          `from ${new URL(manifest.baseUrl).host} into ${opts.destDir}\n`,
      );
      progress = opts.isTTY ? barReporter(opts.stderr, total) : lineReporter(opts.stderr);
    }
    const result = await fetchModel({
      manifest,
      destDir: opts.destDir,
      onProgress: progress ? (p) => progress?.update(p) : undefined,
      signal: opts.signal,
      fetchImpl: opts.fetchImpl,
    });
    progress?.stop();
    if (opts.json) {
      writeJson(opts.stdout, { ok: true, value: { id: manifest.id, manifestPath, ...result } });
    } else if (result.files.every((f) => f.status === 'skipped')) {
      opts.stdout.write(`Model ${manifest.id} is already in ${result.destDir}; nothing to download.\n`);
    } else {
      const resumed = result.resumed ? ', resuming an earlier download' : '';
      opts.stdout.write(
        `Model ${manifest.id} is ready in ${result.destDir} ` +
          `(downloaded ${formatBytes(result.bytesDownloaded)}${resumed}; every file's sha256 checked).\n`,
      );
    }
    return EXIT_OK;
  } catch (e) {
    progress?.stop();
    return reportError(opts, 'model fetch', toErrorPayload(e));
  }
}

/** `hippo model status`: where the model is and what is missing; exit code 0 only when it is found. */
export async function runModelStatus(opts: RunModelStatusOptions): Promise<number> {
  try {
    const { manifest, manifestPath } = await resolveModelManifest({
      manifestPath: opts.manifestPath,
      env: opts.env,
      variant: opts.variant,
    });
    const status = await modelStatus({ manifest, dirs: opts.dirs, verifySha256: opts.verify ?? false });
    if (opts.json) {
      writeJson(opts.stdout, { ok: true, value: { manifestPath, ...status } });
    } else {
      const where = status.foundIn ? `found in ${status.foundIn}` : 'not found';
      opts.stdout.write(
        `Model ${status.id} (${formatBytes(status.totalBytes)}, ${manifest.files.length} files): ${where}\n`,
      );
      for (const d of status.dirs) opts.stdout.write(`  ${describeDir(d, status.sha256Checked)}\n`);
      if (!status.foundIn) opts.stdout.write('Run `hippo model fetch` to download it.\n');
    }
    return status.foundIn ? EXIT_OK : EXIT_FAILURE;
  } catch (e) {
    return reportError(opts, 'model status', toErrorPayload(e));
  }
}

function describeDir(d: ModelDirStatus, sha256Checked: boolean): string {
  const partial =
    d.partialBytes > 0
      ? `; ${formatBytes(d.partialBytes)} of an interrupted download kept (\`hippo model fetch\` resumes it)`
      : '';
  if (!d.exists) return `${d.dir}: absent${partial}`;
  if (d.complete) {
    return `${d.dir}: complete (${sha256Checked ? 'sha256 verified' : 'sizes match; sha256 not checked'})`;
  }
  const bad = d.files.filter((f) => f.state !== 'verified' && f.state !== 'present');
  if (bad.every((f) => f.state === 'missing') && bad.length === d.files.length) {
    return `${d.dir}: no model files${partial}`;
  }
  const details = bad.map((f) => {
    if (f.state === 'wrong-size') return `${f.path} (wrong size: ${f.actualSize} of ${f.size} bytes)`;
    if (f.state === 'wrong-sha256') return `${f.path} (wrong sha256)`;
    return `${f.path} (missing)`;
  });
  return `${d.dir}: incomplete, ${bad.length} of ${d.files.length} files not usable: ${details.join(', ')}${partial}`;
}

function reportError(
  opts: { json: boolean; stdout: OutStream; stderr: OutStream },
  command: string,
  error: ErrorPayload,
): number {
  if (opts.json) writeJson(opts.stdout, { ok: false, error });
  else opts.stderr.write(`hippo ${command}: ${error.code}: ${error.message}\n`);
  return EXIT_FAILURE;
}

function writeJson(out: OutStream, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

interface ProgressReporter {
  update(p: FetchProgress): void;
  stop(): void;
}

function barReporter(stream: OutStream, total: number): ProgressReporter {
  const bar = new cliProgress.SingleBar({
    stream,
    format: '{bar} {percentage}% | {done} of {size} | {file}',
    barCompleteChar: '\u2588',
    barIncompleteChar: '\u2591',
    barsize: 30,
    fps: 10,
    etaBuffer: 50,
  });
  const size = formatBytes(total);
  bar.start(total, 0, { done: formatBytes(0), size, file: '' });
  let stopped = false;
  return {
    update(p) {
      bar.update(p.bytes, { done: formatBytes(p.bytes), size, file: p.file });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/** Logs and pipes get a line per 10% instead of carriage-return redraws. */
function lineReporter(stream: OutStream): ProgressReporter {
  let lastStep = -1;
  return {
    update(p) {
      const percent = p.total === 0 ? 100 : Math.floor((p.bytes / p.total) * 100);
      const step = Math.floor(percent / 10);
      if (step <= lastStep) return;
      lastStep = step;
      stream.write(`${percent}% (${formatBytes(p.bytes)} of ${formatBytes(p.total)}) ${p.file}\n`);
    },
    stop() {},
  };
}
