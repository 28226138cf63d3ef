import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ModelManifest } from '../../../src/main/embedder/model-manifest';

/**
 * A loopback HTTP server for downloader tests: serves generated files with Range support and can
 * corrupt a file, cut a connection after N bytes, or ignore Range like some servers do.
 */

export interface GeneratedFile {
  path: string;
  bytes: Buffer;
}

/** Deterministic bytes (mulberry32) so every run serves the same files and hashes. */
export function seededBytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let a = seed >>> 0;
  for (let i = 0; i < length; i += 4) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const v = (t ^ (t >>> 14)) >>> 0;
    for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
  }
  return out;
}

/** A few MB shaped like the real model folder (a large weight file plus small tokenizer files). */
export function generateModelFiles(seed = 7): GeneratedFile[] {
  return [
    {
      path: 'config.json',
      bytes: Buffer.from(JSON.stringify({ model_type: 'bert', hidden_size: 384 }, null, 2)),
    },
    { path: 'vocab.txt', bytes: seededBytes(seed + 1, 231_508) },
    { path: 'tokenizer.json', bytes: seededBytes(seed + 2, 711_661) },
    { path: 'onnx/model.onnx', bytes: seededBytes(seed + 3, 3_000_000) },
  ];
}

/** The files of a model folder on disk (a generated test model), to serve as its download. */
export function modelFilesIn(dir: string): GeneratedFile[] {
  return readdirSync(dir, { recursive: true })
    .map((rel) => String(rel).split('\\').join('/'))
    .filter((rel) => !rel.startsWith('.') && statSync(join(dir, rel)).isFile())
    .map((rel) => ({ path: rel, bytes: readFileSync(join(dir, rel)) }));
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

export function manifestFor(files: GeneratedFile[], baseUrl: string, id = 'test-model'): ModelManifest {
  return {
    id,
    baseUrl,
    files: files.map((f) => ({ path: f.path, size: f.bytes.length, sha256: sha256(f.bytes) })),
  };
}

export interface SeenRequest {
  path: string;
  range: string | null;
  status: number;
}

export interface ModelServer {
  /** Ends with '/'; files are served under it by their manifest path. */
  baseUrl: string;
  requests: SeenRequest[];
  /** Serve these bytes for `path` instead of the generated ones. */
  serve(path: string, bytes: Buffer): void;
  /** The next request for `path` sends `afterBytes` body bytes, then the socket is destroyed. */
  cutNext(path: string, afterBytes: number): void;
  /** Answer 200 with the whole file even when asked for a Range. */
  ignoreRange: boolean;
  close(): Promise<void>;
}

export async function startModelServer(files: GeneratedFile[]): Promise<ModelServer> {
  const served = new Map(files.map((f) => [f.path, f.bytes]));
  const cuts = new Map<string, number>();
  const requests: SeenRequest[] = [];
  const state = { ignoreRange: false };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rel = decodeURIComponent(url.pathname.replace(/^\/model\//, ''));
    const range = req.headers.range ?? null;
    const body = served.get(rel);
    const seen: SeenRequest = { path: rel, range, status: 0 };
    requests.push(seen);
    if (!body) {
      seen.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    let start = 0;
    const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m && !state.ignoreRange) {
      start = Number(m[1]);
      if (start >= body.length) {
        seen.status = 416;
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
    }
    const slice = body.subarray(start);
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/octet-stream',
      'content-length': slice.length,
      'accept-ranges': state.ignoreRange ? 'none' : 'bytes',
    };
    seen.status = start > 0 ? 206 : 200;
    if (start > 0) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(seen.status, headers);

    const cut = cuts.get(rel);
    if (cut !== undefined) {
      cuts.delete(rel);
      res.write(slice.subarray(0, cut), () => req.socket.destroy());
      return;
    }
    res.end(slice);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/model/`,
    requests,
    serve: (p, bytes) => void served.set(p, bytes),
    cutNext: (p, afterBytes) => void cuts.set(p, afterBytes),
    get ignoreRange() {
      return state.ignoreRange;
    },
    set ignoreRange(v: boolean) {
      state.ignoreRange = v;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
