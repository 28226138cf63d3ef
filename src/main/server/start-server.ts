import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { version } from '../../../package.json';
import { HippoError } from '../../shared/errors';
import { createAppService, type ApiPort, type SettingsPort } from '../app-service/app-service';
import type { ManagedEmbedder } from '../embedder/embedder-pool';
import { Memory } from '../memory/memory';
import type { PostgresStore } from '../sync/postgres-store';
import { registerApiRoutes } from './api-routes';
import { checkHealth, checkPgHealth } from './health';
import { bearerToken, loadOrCreateToken, tokenMatches, writeNewToken } from './api-token';
import { HttpError, toHttpError } from './http-errors';
import { allowedHosts, allowedOrigins, isAllowedHost, isAllowedOrigin } from './request-guard';
import type { ServerMetrics } from './server-metrics';

/** `hippo serve`'s port when none is given: unassigned by IANA and unlikely to be taken. */
export const DEFAULT_PORT = 7821;
/** Largest request body; larger ones get 413 before anything is parsed. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** The only address the server ever binds: the API must not be reachable from the network. */
export const LOOPBACK_HOST = '127.0.0.1';

export interface StartServerOptions {
  /** The SQLite memory, or a Postgres store: the /api/v1 routes, /health and /metrics then use it. */
  memory: Memory | PostgresStore;
  embedder: ManagedEmbedder | null;
  metrics: ServerMetrics;
  /** 0 picks a free port; default DEFAULT_PORT. */
  port?: number;
  /** Holds the bearer token; created (0600, folder 0700) on first start. */
  tokenFile: string;
  /** Built renderer (index.html and assets) served at / so the UI runs in a plain browser. */
  rendererDir?: string;
  bodyLimitBytes?: number;
  /** The settings the page may see and change (`hippo serve` gives the theme). */
  settings?: SettingsPort;
  /** What api:status reports; default: this server, not manageable from its own page. */
  api?: ApiPort;
}

export interface RunningServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The token requests must carry now (regenerateToken changes it). */
  readonly token: string;
  tokenFile: string;
  /** The UI, already authorized: http://127.0.0.1:PORT/?token=... (the page reads and exchanges it). */
  readonly openUrl: string;
  /** Writes a new token to tokenFile and refuses the old one from the next request on. */
  regenerateToken(): string;
  /** Stops accepting connections, lets in-flight requests finish, closes idle keep-alive sockets. */
  close(): Promise<void>;
}

/**
 * Starts the loopback HTTP API over `memory`. It binds 127.0.0.1 only; every request must name
 * this server in its Host header (DNS rebinding) and carry no foreign Origin (cross-site
 * requests); /api and /metrics need the bearer token; bodies are JSON only, at most bodyLimitBytes.
 * Closing the server leaves memory, embedder and metrics open: their owner closes them.
 */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  let token = loadOrCreateToken(opts.tokenFile);
  const bodyLimit = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const app = Fastify({
    logger: false,
    bodyLimit,
    // A request without Host must reach our guard (403), not Node's own 400.
    http: { requireHostHeader: false },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });

  // Until listen() reports the port, nothing is allowed.
  let port = -1;
  let hosts = new Set<string>();
  let origins = new Set<string>();
  const baseUrl = (): string => `http://${LOOPBACK_HOST}:${port}`;

  // Only JSON bodies: no text/plain or form parsers, so an HTML form on another site cannot post.
  app.removeAllContentTypeParsers();
  // Fastify's parser (secure-json-parse) refuses __proto__ and constructor.prototype keys; a
  // plain JSON.parse first tells a syntax error from such a key for the error message.
  const secureJsonParser = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') return done(null, undefined);
    try {
      JSON.parse(text);
    } catch {
      return done(new HttpError(400, 'BAD_INPUT', 'body: malformed JSON'));
    }
    secureJsonParser(req, text, (err, value) =>
      err
        ? done(new HttpError(400, 'BAD_INPUT', 'body: __proto__ and constructor keys are refused'))
        : done(null, value),
    );
  });

  const { memory } = opts;
  const protectedUrls = registerApiRoutes(app, {
    memory,
    metrics: opts.metrics,
    baseUrl,
    ...(memory instanceof Memory
      ? {
          health: () => checkHealth(memory, opts.embedder),
          // The same service the desktop app's IPC handlers use, so a browser speaks the app's contract.
          service: createAppService({
            memory,
            embedder: opts.embedder,
            appInfo: () => ({
              version,
              shell: 'browser',
              data_dir: path.dirname(path.resolve(memory.dbPath)),
              hotkey_error: null,
              api_url: baseUrl(),
            }),
            settings: opts.settings,
            api: opts.api ?? servedApiPort(baseUrl, opts.tokenFile),
          }),
        }
      : {
          health: () => checkPgHealth(memory, opts.embedder),
          service: null,
          serviceMissing:
            "the desktop app's channels work on the SQLite file (settings, sync, model, label history); " +
            'this server runs on Postgres (hippo serve --store postgres), where the /api/v1 routes answer',
        }),
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!isAllowedHost(req.headers.host, hosts))
      throw new HttpError(
        403,
        'FORBIDDEN',
        'Host header must be 127.0.0.1:PORT, localhost:PORT or [::1]:PORT',
      );
    if (!isAllowedOrigin(req.headers.origin, origins))
      throw new HttpError(403, 'FORBIDDEN', 'cross-origin requests are not allowed');
    // Decided by the matched route, not the URL text, so no spelling of a path skips the check;
    // a URL that matches no route needs the token too (nothing to probe without it).
    const route = req.routeOptions.url;
    if (route === undefined || protectedUrls.has(route)) {
      const given = bearerToken(req.headers.authorization);
      if (given === null || !tokenMatches(given, token)) {
        reply.header('www-authenticate', 'Bearer');
        throw new HttpError(
          401,
          'UNAUTHORIZED',
          given === null ? 'missing "Authorization: Bearer <token>" header' : 'wrong token',
        );
      }
    }
  });

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    // The UI's URL carries the token; never pass it on to links the page opens.
    reply.header('referrer-policy', 'no-referrer');
    if (req.routeOptions.url !== undefined && protectedUrls.has(req.routeOptions.url))
      reply.header('cache-control', 'no-store');
  });

  app.addHook('onResponse', async (req, reply) => {
    opts.metrics.observeRequest(
      req.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err, _req, reply) => {
    const { status, body } = toHttpError(err, bodyLimit);
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );

  if (opts.rendererDir) {
    await app.register(fastifyStatic, {
      root: path.resolve(opts.rendererDir),
      prefix: '/',
      index: ['index.html'],
      dotfiles: 'deny',
    });
  }

  const wanted = opts.port ?? DEFAULT_PORT;
  try {
    await app.listen({ host: LOOPBACK_HOST, port: wanted });
  } catch (e) {
    await app.close().catch(() => undefined);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE')
      throw new HippoError(
        'INTERNAL',
        `port ${wanted} on ${LOOPBACK_HOST} is already in use; pick another with --port`,
        // The app tells its user something else than "--port"; the cause lets it know why.
        { cause: e },
      );
    if (err.code === 'EACCES')
      throw new HippoError(
        'INTERNAL',
        `not allowed to listen on port ${wanted} (ports below 1024 need privileges)`,
      );
    throw new HippoError('INTERNAL', `cannot listen on ${LOOPBACK_HOST}:${wanted}: ${err.message}`, {
      cause: e,
    });
  }
  port = (app.server.address() as AddressInfo).port;
  hosts = allowedHosts(port);
  origins = allowedOrigins(port);

  return {
    url: baseUrl(),
    port,
    get token() {
      return token;
    },
    tokenFile: opts.tokenFile,
    get openUrl() {
      return `${baseUrl()}/?token=${token}`;
    },
    regenerateToken() {
      token = writeNewToken(opts.tokenFile);
      return token;
    },
    close: () => app.close(),
  };
}

/**
 * api:status of a server asked through itself: it runs (it answered), and the page already holds
 * the token, so it is not repeated; turning it off or changing the token is the shell's business.
 */
function servedApiPort(baseUrl: () => string, tokenFile: string): ApiPort {
  return {
    status: () => ({
      running: true,
      url: baseUrl(),
      token: null,
      token_file: tokenFile,
      error: null,
      manageable: false,
    }),
    regenerateToken: () => {
      throw new HippoError(
        'NOT_SUPPORTED',
        `The API token can only be regenerated in the Hippo desktop app; for \`hippo serve\`, delete ${tokenFile} and restart it`,
      );
    },
  };
}
