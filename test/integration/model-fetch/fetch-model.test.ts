import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fetchModel,
  modelStatus,
  stagingDirFor,
  type FetchProgress,
} from '../../../src/main/embedder/model-fetch';
import type { ModelManifest } from '../../../src/main/embedder/model-manifest';
import { HippoError } from '../../../src/shared/errors';
import {
  generateModelFiles,
  manifestFor,
  sha256,
  startModelServer,
  type GeneratedFile,
  type ModelServer,
} from './model-server';

let tmp: string;
let destDir: string;
let files: GeneratedFile[];
let server: ModelServer;
let manifest: ModelManifest;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hippo-model-fetch-'));
  destDir = path.join(tmp, 'models', 'test-model');
  files = generateModelFiles();
  server = await startModelServer(files);
  manifest = manifestFor(files, server.baseUrl);
});

afterEach(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

const model = () => files.find((f) => f.path === 'onnx/model.onnx')!;

/** rel path → sha256 of every file under dir (null when dir is absent). */
async function snapshot(dir: string): Promise<Record<string, string> | null> {
  if (!existsSync(dir)) return null;
  const out: Record<string, string> = {};
  for (const rel of await readdir(dir, { recursive: true })) {
    const p = path.join(dir, rel);
    if ((await stat(p)).isFile()) out[rel.split(path.sep).join('/')] = sha256(await readFile(p));
  }
  return out;
}

function expected(): Record<string, string> {
  return Object.fromEntries(files.map((f) => [f.path, sha256(f.bytes)]));
}

async function catchError(p: Promise<unknown>): Promise<HippoError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(HippoError);
    return e as HippoError;
  }
  throw new Error('expected the promise to reject');
}

/** Nothing but the model folder (and, when asked, the staging folder) next to destDir. */
async function siblings(): Promise<string[]> {
  return (await readdir(path.dirname(destDir))).sort();
}

describe('fetchModel', () => {
  it('downloads every file, verifies it and places the folder atomically', async () => {
    const events: FetchProgress[] = [];
    const result = await fetchModel({ manifest, destDir, onProgress: (p) => events.push(p) });

    expect(result.destDir).toBe(path.resolve(destDir));
    expect(result.resumed).toBe(false);
    const total = files.reduce((n, f) => n + f.bytes.length, 0);
    expect(result.bytesDownloaded).toBe(total);
    expect(result.files.map((f) => f.status)).toEqual(files.map(() => 'downloaded'));
    expect(await snapshot(destDir)).toEqual(expected());
    expect(await siblings()).toEqual(['test-model']);
    expect(server.requests.every((r) => r.range === null && r.status === 200)).toBe(true);

    // Progress is monotonic, per-file counts stay within the file, and it ends at the total.
    expect(events.length).toBeGreaterThan(files.length);
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.bytes).toBeGreaterThanOrEqual(events[i - 1]!.bytes);
    for (const e of events) {
      expect(e.total).toBe(total);
      expect(e.fileBytes).toBeLessThanOrEqual(e.fileTotal);
    }
    expect(events.at(-1)!.bytes).toBe(total);
  });

  it('skips files already complete and verified in destDir', async () => {
    await fetchModel({ manifest, destDir });
    const before = server.requests.length;
    const events: FetchProgress[] = [];

    const again = await fetchModel({ manifest, destDir, onProgress: (p) => events.push(p) });
    expect(again.bytesDownloaded).toBe(0);
    expect(again.files.every((f) => f.status === 'skipped')).toBe(true);
    expect(server.requests.length).toBe(before);
    expect(events.at(-1)!.bytes).toBe(events.at(-1)!.total);

    // One stale and one missing file: only those two are fetched; the good ones are kept, not refetched.
    await writeFile(path.join(destDir, 'vocab.txt'), 'stale');
    await rm(path.join(destDir, 'tokenizer.json'));
    const repaired = await fetchModel({ manifest, destDir });
    expect(
      server.requests
        .slice(before)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['tokenizer.json', 'vocab.txt']);
    expect(Object.fromEntries(repaired.files.map((f) => [f.path, f.status]))).toEqual({
      'config.json': 'skipped',
      'vocab.txt': 'downloaded',
      'tokenizer.json': 'downloaded',
      'onnx/model.onnx': 'skipped',
    });
    expect(await snapshot(destDir)).toEqual(expected());
    expect(await siblings()).toEqual(['test-model']);
  });

  it('rejects a corrupted file with CHECKSUM_MISMATCH, leaving no destDir and no bad partial', async () => {
    const bad = Buffer.from(model().bytes);
    bad[1234] = bad[1234]! ^ 0xff;
    server.serve('onnx/model.onnx', bad);

    const err = await catchError(fetchModel({ manifest, destDir }));
    expect(err.code).toBe('CHECKSUM_MISMATCH');
    expect(err.message).toContain('onnx/model.onnx');
    expect(err.message).toContain(sha256(model().bytes));
    expect(err.message).toContain(sha256(bad));

    expect(existsSync(destDir)).toBe(false);
    expect(existsSync(path.join(stagingDirFor(destDir), 'onnx/model.onnx'))).toBe(false);
    expect(await siblings()).not.toContain('test-model.lock');

    // Once the server is fixed, a retry downloads the bad file from zero and completes.
    server.serve('onnx/model.onnx', model().bytes);
    const before = server.requests.length;
    await fetchModel({ manifest, destDir });
    const retry = server.requests.slice(before);
    expect(retry.find((r) => r.path === 'onnx/model.onnx')?.range).toBeNull();
    expect(await snapshot(destDir)).toEqual(expected());
    expect(await siblings()).toEqual(['test-model']);
  });

  it('leaves an existing destDir untouched when the replacement fails its checksum', async () => {
    await mkdir(destDir, { recursive: true });
    await writeFile(path.join(destDir, 'vocab.txt'), 'an older vocabulary');
    await writeFile(path.join(destDir, 'config.json'), files[0]!.bytes);
    const before = await snapshot(destDir);

    const bad = Buffer.from(files.find((f) => f.path === 'vocab.txt')!.bytes);
    bad[0] = bad[0]! ^ 1;
    server.serve('vocab.txt', bad);

    const err = await catchError(fetchModel({ manifest, destDir }));
    expect(err.code).toBe('CHECKSUM_MISMATCH');
    expect(err.message).toContain('vocab.txt');
    expect(await snapshot(destDir)).toEqual(before);
    expect(existsSync(path.join(stagingDirFor(destDir), 'vocab.txt'))).toBe(false);
  });

  it('rejects a file of the wrong length before or while downloading it', async () => {
    server.serve('tokenizer.json', Buffer.concat([files[2]!.bytes, Buffer.from('extra')]));
    const err = await catchError(fetchModel({ manifest, destDir }));
    expect(err.code).toBe('CHECKSUM_MISMATCH');
    expect(err.message).toContain('tokenizer.json');
    expect(err.message).toContain(String(files[2]!.bytes.length));
    expect(existsSync(destDir)).toBe(false);
    expect(existsSync(path.join(stagingDirFor(destDir), 'tokenizer.json'))).toBe(false);
  });

  it('keeps the partial file when the connection is cut and resumes it with a Range request', async () => {
    const cutAt = 1_200_000;
    server.cutNext('onnx/model.onnx', cutAt);

    const err = await catchError(fetchModel({ manifest, destDir }));
    expect(err.code).toBe('DOWNLOAD_FAILED');
    expect(err.message).toContain(`${server.baseUrl}onnx/model.onnx`);
    expect(existsSync(destDir)).toBe(false);

    const partial = path.join(stagingDirFor(destDir), 'onnx/model.onnx');
    const kept = (await stat(partial)).size;
    // What was written before the cut is kept. undici discards the body chunk still queued when the
    // socket closes (about every other run here), so the kept size is N or N minus one chunk.
    expect(kept).toBeGreaterThan(cutAt - 256 * 1024);
    expect(kept).toBeLessThanOrEqual(cutAt);

    const before = server.requests.length;
    const events: FetchProgress[] = [];
    const result = await fetchModel({ manifest, destDir, onProgress: (p) => events.push(p) });
    const resumedReq = server.requests.slice(before).find((r) => r.path === 'onnx/model.onnx');
    expect(resumedReq).toMatchObject({ range: `bytes=${kept}-`, status: 206 });
    // Files completed before the cut are taken from staging, not downloaded again.
    expect(server.requests.slice(before).map((r) => r.path)).toEqual(['onnx/model.onnx']);

    expect(result.resumed).toBe(true);
    expect(result.files.find((f) => f.path === 'onnx/model.onnx')).toMatchObject({
      status: 'resumed',
      bytesDownloaded: model().bytes.length - kept,
    });
    expect(result.bytesDownloaded).toBe(model().bytes.length - kept);
    expect(sha256(await readFile(path.join(destDir, 'onnx/model.onnx')))).toBe(sha256(model().bytes));
    expect(await snapshot(destDir)).toEqual(expected());
    expect(await siblings()).toEqual(['test-model']);
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.bytes).toBeGreaterThanOrEqual(events[i - 1]!.bytes);
    expect(events.at(-1)!.bytes).toBe(events.at(-1)!.total);
  });

  it('starts a file over when the server ignores Range', async () => {
    server.cutNext('onnx/model.onnx', 500_000);
    await catchError(fetchModel({ manifest, destDir }));

    server.ignoreRange = true;
    const before = server.requests.length;
    const result = await fetchModel({ manifest, destDir });
    const req = server.requests.slice(before).find((r) => r.path === 'onnx/model.onnx');
    expect(req?.range).toMatch(/^bytes=\d+-$/);
    expect(req?.status).toBe(200);
    expect(result.files.find((f) => f.path === 'onnx/model.onnx')).toMatchObject({
      status: 'downloaded',
      bytesDownloaded: model().bytes.length,
    });
    expect(await snapshot(destDir)).toEqual(expected());
  });

  it('reports HTTP errors and refused connections as DOWNLOAD_FAILED naming the URL', async () => {
    const missing: ModelManifest = {
      ...manifest,
      files: [...manifest.files, { path: 'nope.bin', size: 3, sha256: '0'.repeat(64) }],
    };
    const err = await catchError(fetchModel({ manifest: missing, destDir }));
    expect(err.code).toBe('DOWNLOAD_FAILED');
    expect(err.message).toContain(`${server.baseUrl}nope.bin`);
    expect(err.message).toContain('404');
    expect(existsSync(destDir)).toBe(false);

    // A port that just stopped listening refuses connections.
    const deadUrl = server.baseUrl;
    await server.close();
    server = await startModelServer(files); // afterEach closes this one
    const dead = { ...manifest, baseUrl: deadUrl };
    const refused = await catchError(fetchModel({ manifest: dead, destDir: path.join(tmp, 'other') }));
    expect(refused.code).toBe('DOWNLOAD_FAILED');
    expect(refused.message).toContain(`${deadUrl}config.json`);
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });

  it('stops on abort, keeps the partial and resumes later', async () => {
    const ac = new AbortController();
    const err = await catchError(
      fetchModel({
        manifest,
        destDir,
        signal: ac.signal,
        onProgress: (p) => {
          if (p.file === 'onnx/model.onnx' && p.fileBytes > 100_000) ac.abort();
        },
      }),
    );
    expect(err.code).toBe('DOWNLOAD_FAILED');
    expect(err.message).toMatch(/cancelled/);
    expect(existsSync(destDir)).toBe(false);
    const kept = (await stat(path.join(stagingDirFor(destDir), 'onnx/model.onnx'))).size;
    expect(kept).toBeGreaterThan(100_000);

    const result = await fetchModel({ manifest, destDir });
    expect(result.resumed).toBe(true);
    expect(await snapshot(destDir)).toEqual(expected());
  });

  it('refuses to replace a folder holding files that are not part of the model', async () => {
    await mkdir(destDir, { recursive: true });
    await writeFile(path.join(destDir, 'my-notes.txt'), 'precious');
    const err = await catchError(fetchModel({ manifest, destDir }));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toContain('my-notes.txt');
    expect(await readFile(path.join(destDir, 'my-notes.txt'), 'utf8')).toBe('precious');
    expect(server.requests).toEqual([]);
  });

  it('refuses a second concurrent download into the same folder', async () => {
    await writeFile(`${destDir}.lock`, String(process.pid)).catch(async () => {
      await mkdir(path.dirname(destDir), { recursive: true });
      await writeFile(`${destDir}.lock`, String(process.pid));
    });
    const err = await catchError(fetchModel({ manifest, destDir }));
    expect(err.code).toBe('DOWNLOAD_FAILED');
    expect(err.message).toContain('Another download');

    // A lock left by a process that no longer exists is taken over.
    await writeFile(`${destDir}.lock`, '999999999');
    await fetchModel({ manifest, destDir });
    expect(await snapshot(destDir)).toEqual(expected());
    expect(await siblings()).toEqual(['test-model']);
  });
});

describe('modelStatus', () => {
  it('says which folder holds the model and what is missing elsewhere', async () => {
    const other = path.join(tmp, 'elsewhere');
    await mkdir(other);
    await writeFile(path.join(other, 'vocab.txt'), 'short');
    server.cutNext('onnx/model.onnx', 300_000);
    await catchError(fetchModel({ manifest, destDir }));

    const missing = await modelStatus({ manifest, dirs: [other, destDir] });
    expect(missing.foundIn).toBeNull();
    expect(missing.dirs[0]!.files.find((f) => f.path === 'vocab.txt')).toMatchObject({
      state: 'wrong-size',
      actualSize: 5,
    });
    expect(missing.dirs[1]).toMatchObject({ exists: false, complete: false });
    expect(missing.dirs[1]!.partialBytes).toBeGreaterThan(0);

    await fetchModel({ manifest, destDir });
    const found = await modelStatus({ manifest, dirs: [other, destDir], verifySha256: true });
    expect(found.foundIn).toBe(path.resolve(destDir));
    expect(found.sha256Checked).toBe(true);
    expect(found.dirs[1]!.files.every((f) => f.state === 'verified')).toBe(true);
    expect(found.dirs[1]!.partialBytes).toBe(0);

    // Same size, different bytes: only the sha256 check notices.
    const p = path.join(destDir, 'config.json');
    const bytes = await readFile(p);
    bytes[0] = bytes[0]! ^ 1;
    await writeFile(p, bytes);
    expect((await modelStatus({ manifest, dirs: [destDir] })).foundIn).toBe(path.resolve(destDir));
    const checked = await modelStatus({ manifest, dirs: [destDir], verifySha256: true });
    expect(checked.foundIn).toBeNull();
    expect(checked.dirs[0]!.files.find((f) => f.path === 'config.json')?.state).toBe('wrong-sha256');
  });
});
