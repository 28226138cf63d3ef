import http from 'node:http';
import path from 'node:path';
import { createServerMetrics } from '../../../src/main/server/metrics';
import {
  startServer,
  type RunningServer,
  type StartServerOptions,
} from '../../../src/main/server/start-server';
import { LEXICAL_MODEL_DIR, openLexicalMemory } from '../../helpers/lexical-memory';
import { createNodeEmbedder } from '../../../src/main/embedder/embedder-client';

export interface TestServer {
  server: RunningServer;
  mem: ReturnType<typeof openLexicalMemory>;
  /** Host header value that names the server. */
  host: string;
  auth: { authorization: string };
  /** Every row of facts and labels, to assert a rejected request changed nothing. */
  snapshot(): string;
  close(): Promise<void>;
}

/** A real server on an ephemeral port over a real lexical-model memory on a temp database. */
export async function startTestServer(opts: Partial<StartServerOptions> = {}): Promise<TestServer> {
  const embedder = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 });
  const mem = openLexicalMemory({ embedder, backgroundEmbedding: true });
  const metrics = createServerMetrics({ memory: mem.memory, embedder, processMetrics: false });
  const server = await startServer({
    memory: mem.memory,
    embedder,
    metrics,
    port: 0,
    tokenFile: path.join(mem.dir, 'home', 'api-token'),
    ...opts,
  });
  return {
    server,
    mem,
    host: `127.0.0.1:${server.port}`,
    auth: { authorization: `Bearer ${server.token}` },
    snapshot: () =>
      JSON.stringify([
        mem.memory.db.prepare('SELECT * FROM facts ORDER BY id').all(),
        mem.memory.db.prepare('SELECT * FROM labels ORDER BY id').all(),
      ]),
    async close() {
      await server.close();
      metrics.close();
      await mem.close();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

export interface RawRequest {
  method?: string;
  path: string;
  /** Sent exactly as given: no Host unless listed here (fetch cannot set Host; node:http can). */
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Keep-alive agent, to check a connection is still usable. */
  agent?: http.Agent;
}

/** Reads a node:http response whole into a RawResponse. */
export function collectResponse(
  res: http.IncomingMessage,
  resolve: (r: RawResponse) => void,
  reject: (e: Error) => void,
): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    resolve({
      status: res.statusCode ?? 0,
      headers: res.headers,
      text,
      json: <T>() => JSON.parse(text) as T,
    });
  });
  res.on('error', reject);
}

/** One request over node:http with exactly the headers given. */
export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: '127.0.0.1',
        port,
        method: req.method ?? 'GET',
        path: req.path,
        setHost: false,
        headers: req.headers ?? {},
        agent: req.agent ?? false,
      },
      (res) => collectResponse(res, resolve, reject),
    );
    // The server may answer (413) and close before a large body is fully written; the answer counts.
    r.on('error', reject);
    if (req.body !== undefined) r.end(req.body);
    else r.end();
  });
}

/** A request as a well-behaved local client sends it: right Host, token, JSON body. */
export function api(
  t: TestServer,
  method: string,
  urlPath: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { host: t.host, ...t.auth, ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return rawRequest(t.server.port, {
    method,
    path: urlPath,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
