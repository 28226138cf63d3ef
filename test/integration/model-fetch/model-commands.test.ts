import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runModelFetch, runModelStatus } from '../../../src/cli/model-commands';
import {
  generateModelFiles,
  manifestFor,
  sha256,
  startModelServer,
  type GeneratedFile,
  type ModelServer,
} from './model-server';
import { Capture } from '../../helpers/capture-stream';

let tmp: string;
let destDir: string;
let manifestPath: string;
let files: GeneratedFile[];
let server: ModelServer;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hippo-model-cli-'));
  destDir = path.join(tmp, 'models', 'test-model');
  files = generateModelFiles();
  server = await startModelServer(files);
  manifestPath = path.join(tmp, 'manifest.json');
  await writeFile(manifestPath, JSON.stringify(manifestFor(files, server.baseUrl)));
  env = { HIPPO_MODEL_MANIFEST: manifestPath };
});

afterEach(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

function io(isTTY = false) {
  return { stdout: new Capture(), stderr: new Capture(isTTY), isTTY };
}

async function modelSha(): Promise<string> {
  return sha256(await readFile(path.join(destDir, 'onnx/model.onnx')));
}

describe('hippo model fetch', () => {
  it('prints plain percentage lines when not on a terminal', async () => {
    const out = io(false);
    const code = await runModelFetch({ destDir, json: false, env, ...out });
    expect(code).toBe(0);
    const lines = out.stderr.text.trim().split('\n');
    expect(lines[0]).toContain('Fetching model test-model');
    const percents = lines.slice(1).map((l) => Number(/^(\d+)% \(/.exec(l)?.[1]));
    expect(percents.length).toBeGreaterThanOrEqual(2);
    expect(percents.every((p) => Number.isInteger(p))).toBe(true);
    expect(percents.at(-1)).toBe(100);
    expect(out.stderr.text).not.toContain('\r');
    expect(out.stdout.text).toContain(`Model test-model is ready in ${path.resolve(destDir)}`);
    expect(await modelSha()).toBe(sha256(files[3]!.bytes));

    const again = io(false);
    expect(await runModelFetch({ destDir, json: false, env, ...again })).toBe(0);
    expect(again.stdout.text).toContain('already in');
  });

  it('draws a progress bar on a terminal', async () => {
    const out = io(true);
    expect(await runModelFetch({ destDir, json: false, env, ...out })).toBe(0);
    expect(out.stderr.text).toContain('\u2588');
    expect(out.stderr.text).toContain('100%');
    expect(out.stderr.text).toContain('onnx/model.onnx');
  });

  it('prints one JSON result and no progress with --json', async () => {
    const out = io(true);
    expect(await runModelFetch({ destDir, json: true, env, ...out })).toBe(0);
    expect(out.stderr.text).toBe('');
    const parsed = JSON.parse(out.stdout.text);
    expect(parsed.ok).toBe(true);
    expect(parsed.value).toMatchObject({
      id: 'test-model',
      destDir: path.resolve(destDir),
      resumed: false,
      manifestPath,
    });
    expect(parsed.value.files).toHaveLength(files.length);
  });

  it('takes the download host from HIPPO_MODEL_BASE_URL', async () => {
    await writeFile(manifestPath, JSON.stringify(manifestFor(files, 'https://models.invalid/x/')));
    const out = io(false);
    const code = await runModelFetch({
      destDir,
      json: false,
      env: { ...env, HIPPO_MODEL_BASE_URL: server.baseUrl },
      ...out,
    });
    expect(code).toBe(0);
    expect(server.requests.length).toBe(files.length);
    expect(await modelSha()).toBe(sha256(files[3]!.bytes));
  });

  it('exits 1 with the error code on a checksum mismatch, in text and JSON', async () => {
    server.serve('vocab.txt', Buffer.alloc(files[1]!.bytes.length));
    const out = io(false);
    expect(await runModelFetch({ destDir, json: false, env, ...out })).toBe(1);
    expect(out.stderr.text).toMatch(/hippo model fetch: CHECKSUM_MISMATCH: vocab\.txt .*expected sha256/);
    expect(existsSync(destDir)).toBe(false);

    const json = io(false);
    expect(await runModelFetch({ destDir, json: true, env, ...json })).toBe(1);
    expect(JSON.parse(json.stdout.text)).toMatchObject({ ok: false, error: { code: 'CHECKSUM_MISMATCH' } });
  });

  it('names a missing or invalid manifest', async () => {
    const out = io(false);
    const missing = path.join(tmp, 'nope.json');
    expect(await runModelFetch({ destDir, json: false, env: {}, manifestPath: missing, ...out })).toBe(1);
    expect(out.stderr.text).toContain(`NOT_FOUND: Model manifest not found: ${missing}`);

    await writeFile(manifestPath, JSON.stringify({ id: 'x', baseUrl: 'ftp://h/', files: [] }));
    const bad = io(false);
    expect(await runModelFetch({ destDir, json: false, env, ...bad })).toBe(1);
    expect(bad.stderr.text).toContain('BAD_INPUT');
    expect(bad.stderr.text).toContain('baseUrl');
    expect(server.requests).toEqual([]);
  });
});

describe('hippo model status', () => {
  it('exits 1 while the model is missing and 0 once it is fetched', async () => {
    const elsewhere = path.join(tmp, 'elsewhere');
    const before = io(false);
    expect(await runModelStatus({ dirs: [elsewhere, destDir], json: false, env, ...before })).toBe(1);
    expect(before.stdout.text).toContain('not found');
    expect(before.stdout.text).toContain(`${path.resolve(elsewhere)}: absent`);

    server.cutNext('onnx/model.onnx', 400_000);
    expect(await runModelFetch({ destDir, json: true, env, ...io(false) })).toBe(1);
    const interrupted = io(false);
    await runModelStatus({ dirs: [destDir], json: false, env, ...interrupted });
    expect(interrupted.stdout.text).toContain('interrupted download kept');

    expect(await runModelFetch({ destDir, json: true, env, ...io(false) })).toBe(0);
    const after = io(false);
    expect(
      await runModelStatus({ dirs: [elsewhere, destDir], verify: true, json: true, env, ...after }),
    ).toBe(0);
    const parsed = JSON.parse(after.stdout.text);
    expect(parsed.value).toMatchObject({
      id: 'test-model',
      foundIn: path.resolve(destDir),
      sha256Checked: true,
    });
  });

  it('finds the pinned MiniLM manifest shipped in resources/ without any configuration', async () => {
    const out = io(false);
    expect(await runModelStatus({ dirs: [destDir], json: true, env: {}, ...out })).toBe(1);
    const parsed = JSON.parse(out.stdout.text);
    expect(parsed.value.id).toBe('all-MiniLM-L6-v2');
    expect(parsed.value.manifestPath).toBe(path.resolve('resources/model-manifest.json'));
    expect(parsed.value.totalBytes).toBe(90387606 + 231508 + 711661 + 366 + 650 + 125);
  });
});
