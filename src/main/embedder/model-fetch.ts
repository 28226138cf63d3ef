import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, open, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { HippoError } from '../../shared/errors';
import { MODEL_FILES } from '../../utility/model-files';
import { modelFileUrl, type ModelManifest, type ModelManifestFile } from './model-manifest';

/** Interrupted downloads live here, next to the destination, so the final rename never crosses a filesystem. */
export const STAGING_SUFFIX = '.partial';
const LOCK_SUFFIX = '.lock';
const ASIDE_MARK = '.old-';

export function stagingDirFor(destDir: string): string {
  return `${path.resolve(destDir)}${STAGING_SUFFIX}`;
}

export interface FetchProgress {
  /** Manifest path of the file being worked on. */
  file: string;
  fileBytes: number;
  fileTotal: number;
  /**
   * Bytes done over all files (skipped and resumed bytes count as done). Only goes back when a
   * server ignores a Range request and a partially downloaded file has to start over.
   */
  bytes: number;
  total: number;
}

export type FetchedFileStatus = 'downloaded' | 'resumed' | 'skipped';

export interface FetchedFile {
  path: string;
  size: number;
  sha256: string;
  /** skipped: already verified in destDir; resumed: continued from (or completed by) a staged partial. */
  status: FetchedFileStatus;
  bytesDownloaded: number;
}

export interface FetchModelOptions {
  manifest: ModelManifest;
  destDir: string;
  onProgress?: (p: FetchProgress) => void;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

export interface FetchModelResult {
  destDir: string;
  files: FetchedFile[];
  /** Bytes received over the network by this call. */
  bytesDownloaded: number;
  /** True when at least one file continued from bytes kept by an earlier, interrupted call. */
  resumed: boolean;
}

interface FetchContext {
  manifest: ModelManifest;
  fetchImpl: typeof fetch;
  signal: AbortSignal | undefined;
  total: number;
  /** Bytes of the files finished before the current one. */
  doneBytes: number;
  bytesDownloaded: number;
  onProgress: ((p: FetchProgress) => void) | undefined;
}

/**
 * Downloads the manifest's files into destDir. Every file is staged in `${destDir}.partial/`, checked
 * against the manifest's size and sha256, and only when all verify does the staging folder replace
 * destDir in one rename, so destDir is never half-written. Interrupted downloads resume with HTTP Range.
 *
 * Throws HippoError CHECKSUM_MISMATCH (bad bytes; the bad partial is deleted), DOWNLOAD_FAILED (network,
 * HTTP status, cancel; partials are kept for the next call) or BAD_INPUT (destDir holds foreign files).
 */
export async function fetchModel(opts: FetchModelOptions): Promise<FetchModelResult> {
  const { manifest } = opts;
  const destDir = path.resolve(opts.destDir);
  const ctx: FetchContext = {
    manifest,
    fetchImpl: opts.fetchImpl ?? globalThis.fetch,
    signal: opts.signal,
    total: manifest.files.reduce((n, f) => n + f.size, 0),
    doneBytes: 0,
    bytesDownloaded: 0,
    onProgress: opts.onProgress,
  };

  const verifiedInDest = new Set<string>();
  for (const file of manifest.files) {
    throwIfAborted(ctx.signal);
    if (await fileVerifies(path.join(destDir, file.path), file)) verifiedInDest.add(file.path);
  }
  if (verifiedInDest.size === manifest.files.length) {
    for (const file of manifest.files) {
      emit(ctx, file, file.size);
      ctx.doneBytes += file.size;
    }
    return {
      destDir,
      files: manifest.files.map((f) => ({ ...pick(f), status: 'skipped', bytesDownloaded: 0 })),
      bytesDownloaded: 0,
      resumed: false,
    };
  }

  await assertOnlyModelFiles(destDir, manifest);
  const releaseLock = await acquireLock(destDir);
  try {
    await removeAsideDirs(destDir);
    const staging = stagingDirFor(destDir);
    await mkdir(staging, { recursive: true });
    await pruneForeignEntries(staging, manifest);

    const files: FetchedFile[] = [];
    for (const file of manifest.files) {
      throwIfAborted(ctx.signal);
      const staged = path.join(staging, file.path);
      if (verifiedInDest.has(file.path)) {
        await stageExisting(path.join(destDir, file.path), staged);
        emit(ctx, file, file.size);
        files.push({ ...pick(file), status: 'skipped', bytesDownloaded: 0 });
      } else {
        files.push(await stageFile(ctx, file, staged));
      }
      ctx.doneBytes += file.size;
    }
    throwIfAborted(ctx.signal);
    await swapIntoPlace(staging, destDir);
    return {
      destDir,
      files,
      bytesDownloaded: ctx.bytesDownloaded,
      resumed: files.some((f) => f.status === 'resumed'),
    };
  } finally {
    await releaseLock();
  }
}

function pick(f: ModelManifestFile): { path: string; size: number; sha256: string } {
  return { path: f.path, size: f.size, sha256: f.sha256 };
}

function emit(ctx: FetchContext, file: ModelManifestFile, fileBytes: number): void {
  ctx.onProgress?.({
    file: file.path,
    fileBytes,
    fileTotal: file.size,
    bytes: ctx.doneBytes + fileBytes,
    total: ctx.total,
  });
}

/** Brings one file into the staging folder, resuming from what an earlier call left there. */
async function stageFile(ctx: FetchContext, file: ModelManifestFile, staged: string): Promise<FetchedFile> {
  const url = modelFileUrl(ctx.manifest, file);
  await mkdir(path.dirname(staged), { recursive: true });

  let have = (await fileSize(staged)) ?? 0;
  let hash = createHash('sha256');
  if (have > file.size) {
    await rm(staged, { force: true });
    have = 0;
  }
  const resumedFrom = have;
  if (have > 0) {
    // The hash covers the whole file, so the kept bytes are hashed again before new ones are appended.
    await hashFileInto(staged, hash);
    emit(ctx, file, have);
    if (have === file.size) {
      if (hash.digest('hex') === file.sha256) {
        return { ...pick(file), status: 'resumed', bytesDownloaded: 0 };
      }
      // A complete-looking leftover that does not verify (e.g. the pinned file changed): start over.
      await rm(staged, { force: true });
      have = 0;
      hash = createHash('sha256');
    }
  }

  let received = 0;
  // Two rounds at most: the second only when the server could not continue from `have`.
  for (let round = 0; ; round++) {
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (have > 0) headers.range = `bytes=${have}-`;
    let res: Response;
    try {
      res = await ctx.fetchImpl(url, { headers, signal: ctx.signal, redirect: 'follow' });
    } catch (e) {
      throw downloadFailed(ctx, file, url, e, have > 0);
    }

    let append = false;
    if (res.status === 206) {
      const start = contentRangeStart(res.headers.get('content-range'));
      if (start !== have) {
        await cancelBody(res);
        if (round === 0 && have > 0) {
          ({ have, hash } = await restart(ctx, file, staged));
          continue;
        }
        throw new HippoError(
          'DOWNLOAD_FAILED',
          `Download of ${url} failed: server answered bytes from ${start ?? 'an unknown offset'} instead of ${have}`,
        );
      }
      append = have > 0;
    } else if (res.status === 200) {
      // The server ignored Range (or we asked for none): the body is the whole file.
      if (have > 0) ({ have, hash } = await restart(ctx, file, staged));
    } else if (res.status === 416 && have > 0 && round === 0) {
      await cancelBody(res);
      ({ have, hash } = await restart(ctx, file, staged));
      continue;
    } else {
      await cancelBody(res);
      throw new HippoError(
        'DOWNLOAD_FAILED',
        `Download of ${url} failed: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
      );
    }

    const announced = contentLength(res);
    if (announced !== null && have + announced !== file.size) {
      await cancelBody(res);
      await rm(staged, { force: true });
      throw new HippoError(
        'CHECKSUM_MISMATCH',
        `${file.path} from ${url} is ${have + announced} bytes but the manifest expects ${file.size}; ` +
          'the download was discarded',
      );
    }

    const got = await streamInto(ctx, file, url, res, staged, append, have, hash);
    received += got;
    have += got;
    break;
  }

  if (have < file.size) {
    throw new HippoError(
      'DOWNLOAD_FAILED',
      `Download of ${url} failed: the connection ended after ${have} of ${file.size} bytes ` +
        '(the partial file is kept; run the download again to resume)',
    );
  }
  const actual = hash.digest('hex');
  if (actual !== file.sha256) {
    await rm(staged, { force: true });
    throw new HippoError(
      'CHECKSUM_MISMATCH',
      `${file.path} from ${url} failed its checksum: expected sha256 ${file.sha256}, got ${actual}; ` +
        'the download was discarded',
    );
  }
  return {
    ...pick(file),
    status: resumedFrom > 0 && received < file.size ? 'resumed' : 'downloaded',
    bytesDownloaded: received,
  };
}

async function restart(
  ctx: FetchContext,
  file: ModelManifestFile,
  staged: string,
): Promise<{ have: number; hash: Hash }> {
  await rm(staged, { force: true });
  emit(ctx, file, 0);
  return { have: 0, hash: createHash('sha256') };
}

/** Writes the body to the staged file; returns the bytes received. Keeps the partial on network errors. */
async function streamInto(
  ctx: FetchContext,
  file: ModelManifestFile,
  url: string,
  res: Response,
  staged: string,
  append: boolean,
  have: number,
  hash: Hash,
): Promise<number> {
  const fh = await open(staged, append ? 'a' : 'w');
  let got = 0;
  let failure: unknown = null;
  let tooLong = false;
  try {
    if (res.body) {
      for await (const chunk of res.body) {
        if (have + got + chunk.byteLength > file.size) {
          tooLong = true;
          break;
        }
        await fh.write(chunk);
        hash.update(chunk);
        got += chunk.byteLength;
        ctx.bytesDownloaded += chunk.byteLength;
        emit(ctx, file, have + got);
      }
    }
    await fh.sync();
  } catch (e) {
    failure = e;
  } finally {
    await fh.close();
  }
  if (tooLong) {
    await rm(staged, { force: true });
    throw new HippoError(
      'CHECKSUM_MISMATCH',
      `${file.path} from ${url} is longer than the ${file.size} bytes the manifest expects; the download was discarded`,
    );
  }
  if (failure !== null) throw downloadFailed(ctx, file, url, failure, have + got > 0);
  return got;
}

function downloadFailed(
  ctx: FetchContext,
  file: ModelManifestFile,
  url: string,
  e: unknown,
  partialKept: boolean,
): HippoError {
  if (e instanceof HippoError) return e;
  const hint = partialKept ? ' (the partial file is kept; run the download again to resume)' : '';
  if (ctx.signal?.aborted) {
    return new HippoError('DOWNLOAD_FAILED', `Download of ${file.path} was cancelled${hint}`, { cause: e });
  }
  return new HippoError('DOWNLOAD_FAILED', `Download of ${url} failed: ${describeCause(e)}${hint}`, {
    cause: e,
  });
}

/** undici wraps the useful part ("other side closed", ECONNREFUSED) in `cause`. */
function describeCause(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    if (cur instanceof Error) {
      const code = (cur as NodeJS.ErrnoException).code;
      const text = code && !cur.message.includes(code) ? `${cur.message} (${code})` : cur.message;
      if (text && !parts.includes(text)) parts.push(text);
      cur = cur.cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.join(': ') || 'unknown error';
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HippoError('DOWNLOAD_FAILED', 'Model download was cancelled');
}

async function cancelBody(res: Response): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    // Nothing to release.
  }
}

function contentRangeStart(header: string | null): number | null {
  const m = header ? /^bytes\s+(\d+)-\d+\/(?:\d+|\*)$/i.exec(header.trim()) : null;
  return m?.[1] ? Number(m[1]) : null;
}

function contentLength(res: Response): number | null {
  const encoding = res.headers.get('content-encoding');
  if (encoding && encoding !== 'identity') return null; // the header counts compressed bytes
  const raw = res.headers.get('content-length');
  if (raw === null || !/^\d+$/.test(raw)) return null;
  return Number(raw);
}

async function fileSize(p: string): Promise<number | null> {
  try {
    const s = await stat(p);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

async function hashFileInto(p: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(p, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
}

export async function sha256File(p: string): Promise<string> {
  const hash = createHash('sha256');
  await hashFileInto(p, hash);
  return hash.digest('hex');
}

async function fileVerifies(p: string, file: ModelManifestFile): Promise<boolean> {
  if ((await fileSize(p)) !== file.size) return false;
  return (await sha256File(p)) === file.sha256;
}

/** Paths (with '/') of the manifest's files and of the folders that hold them. */
/**
 * The manifest's files and their folders. With `otherWeights`, also the other variant's weights
 * (fp32 or int8): a destination holding them is replaced by this variant's folder, not refused;
 * staging keeps only this manifest's files, so they never reach the new folder.
 */
function allowedEntries(manifest: ModelManifest, otherWeights = false): Set<string> {
  const allowed = new Set<string>(otherWeights ? ['onnx', ...MODEL_FILES] : []);
  for (const f of manifest.files) {
    const segs = f.path.split('/');
    for (let i = 1; i <= segs.length; i++) allowed.add(segs.slice(0, i).join('/'));
  }
  return allowed;
}

async function listRelative(dir: string): Promise<string[] | null> {
  try {
    const entries = await readdir(dir, { recursive: true });
    return entries.map((e) => e.split(path.sep).join('/'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * destDir is replaced wholesale, so anything in it that is not part of the model would be deleted.
 * Refusing keeps a mistyped destination (a home folder, say) safe.
 */
async function assertOnlyModelFiles(destDir: string, manifest: ModelManifest): Promise<void> {
  const entries = await listRelative(destDir);
  if (!entries) return;
  const allowed = allowedEntries(manifest, true);
  const foreign = entries.filter((e) => !allowed.has(e));
  if (foreign.length > 0) {
    const shown =
      foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, … (${foreign.length} in all)` : '');
    throw new HippoError(
      'BAD_INPUT',
      `Refusing to replace ${destDir}: it holds files that are not part of model ${manifest.id} (${shown}). ` +
        'Move them away or choose another folder.',
    );
  }
}

/** Staged leftovers from an older manifest would otherwise end up in destDir. */
async function pruneForeignEntries(staging: string, manifest: ModelManifest): Promise<void> {
  const entries = (await listRelative(staging)) ?? [];
  const allowed = allowedEntries(manifest);
  for (const e of entries) {
    if (!allowed.has(e)) await rm(path.join(staging, e), { recursive: true, force: true });
  }
}

/** A verified file already in destDir joins the staging folder without being downloaded again. */
async function stageExisting(from: string, staged: string): Promise<void> {
  await mkdir(path.dirname(staged), { recursive: true });
  await rm(staged, { force: true });
  try {
    await link(from, staged);
  } catch {
    await copyFile(from, staged);
  }
}

/** Old destDir contents are moved aside before the swap; a crash in between can leave them behind. */
async function removeAsideDirs(destDir: string): Promise<void> {
  const parent = path.dirname(destDir);
  const prefix = `${path.basename(destDir)}${ASIDE_MARK}`;
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix) && /^\d+-\d+$/.test(name.slice(prefix.length))) {
      await rm(path.join(parent, name), { recursive: true, force: true });
    }
  }
}

async function swapIntoPlace(staging: string, destDir: string): Promise<void> {
  await mkdir(path.dirname(destDir), { recursive: true });
  let aside: string | null = null;
  if ((await stat(destDir).catch(() => null)) !== null) {
    aside = `${destDir}${ASIDE_MARK}${process.pid}-${Date.now()}`;
    await rename(destDir, aside);
  }
  try {
    await rename(staging, destDir);
  } catch (e) {
    if (aside) await rename(aside, destDir).catch(() => undefined);
    throw new HippoError(
      'DOWNLOAD_FAILED',
      `Could not move the verified model into ${destDir}: ${describeCause(e)}`,
      {
        cause: e,
      },
    );
  }
  if (aside) await rm(aside, { recursive: true, force: true });
}

/**
 * One download per destination at a time: two would append to the same partial files. The lock
 * holds the owner's pid so a lock left by a crashed process is taken over.
 */
async function acquireLock(destDir: string): Promise<() => Promise<void>> {
  const lockPath = `${destDir}${LOCK_SUFFIX}`;
  await mkdir(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return async () => {
        await unlink(lockPath).catch(() => undefined);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) {
        throw new HippoError(
          'DOWNLOAD_FAILED',
          `Another download into ${destDir} is running (pid ${owner}); if it is not, delete ${lockPath}`,
        );
      }
      await unlink(lockPath).catch(() => undefined);
    }
  }
  throw new HippoError('DOWNLOAD_FAILED', `Could not lock ${lockPath} for the model download`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type ModelFileState = 'verified' | 'present' | 'missing' | 'wrong-size' | 'wrong-sha256';

export interface ModelFileStatus {
  path: string;
  size: number;
  /** present: the size matches and the sha256 was not checked. */
  state: ModelFileState;
  actualSize: number | null;
}

export interface ModelDirStatus {
  dir: string;
  exists: boolean;
  /** Every file verified (or, without verifySha256, present with the right size). */
  complete: boolean;
  files: ModelFileStatus[];
  /** Bytes kept in `${dir}.partial/` by an interrupted download. */
  partialBytes: number;
}

export interface ModelStatus {
  id: string;
  /** The first complete folder, in the order given. */
  foundIn: string | null;
  sha256Checked: boolean;
  totalBytes: number;
  dirs: ModelDirStatus[];
}

/** Which of `dirs` holds the model and what is missing where. Hashing 90 MB costs time, so it is opt-in. */
export async function modelStatus(opts: {
  manifest: ModelManifest;
  dirs: string[];
  verifySha256?: boolean;
}): Promise<ModelStatus> {
  const { manifest } = opts;
  const verify = opts.verifySha256 ?? false;
  const dirs: ModelDirStatus[] = [];
  for (const rawDir of opts.dirs) {
    const dir = path.resolve(rawDir);
    const exists = (await stat(dir).catch(() => null))?.isDirectory() ?? false;
    const files: ModelFileStatus[] = [];
    for (const f of manifest.files) {
      const actualSize = exists ? await fileSize(path.join(dir, f.path)) : null;
      let state: ModelFileState;
      if (actualSize === null) state = 'missing';
      else if (actualSize !== f.size) state = 'wrong-size';
      else if (!verify) state = 'present';
      else state = (await sha256File(path.join(dir, f.path))) === f.sha256 ? 'verified' : 'wrong-sha256';
      files.push({ path: f.path, size: f.size, state, actualSize });
    }
    let partialBytes = 0;
    const staging = stagingDirFor(dir);
    for (const f of manifest.files) partialBytes += (await fileSize(path.join(staging, f.path))) ?? 0;
    dirs.push({
      dir,
      exists,
      complete: files.every((f) => f.state === 'verified' || f.state === 'present'),
      files,
      partialBytes,
    });
  }
  return {
    id: manifest.id,
    foundIn: dirs.find((d) => d.complete)?.dir ?? null,
    sha256Checked: verify,
    totalBytes: manifest.files.reduce((n, f) => n + f.size, 0),
    dirs,
  };
}
