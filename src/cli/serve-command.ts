import { Command, Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodeEmbedder } from '../main/embedder/embedder-client';
import { Memory } from '../main/memory/memory';
import { redactUrl } from '../main/sync/pg-connect';
import { PostgresStore } from '../main/sync/postgres-store';
import { defaultUserDataDir } from '../main/paths';
import { API_TOKEN_FILE } from '../main/server/api-token';
import { createServerMetrics, type HippoServerMetrics } from '../main/server/metrics';
import { DEFAULT_PORT, startServer, type RunningServer } from '../main/server/start-server';
import { SETTINGS_FILE, SettingsStore } from '../main/settings-store';
import { ShellSettings } from '../main/shell/settings-port';
import { HippoError } from '../shared/errors';
import type { CliIo } from './cli-io';
import type { CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import { parseInteger } from './parse-options';
import { resolveDbPath, type GlobalOptions } from './session';
import { addStoreOptions, resolveStore, type StoreOptions } from './store-options';

/** `hippo serve --json` prints exactly this, on one line, once the server answers. */
export interface ServeOutput {
  url: string;
  token_file: string;
  open_url: string;
}

interface ServeOptions extends StoreOptions {
  port?: number;
  json?: boolean;
  ui: boolean;
}

/** The token file: <user data>/api-token (0600, in a 0700 folder). */
export function defaultTokenFile(env: Record<string, string | undefined>): string {
  return path.join(defaultUserDataDir(env), API_TOKEN_FILE);
}

export function serveCommand(ctx: CommandContext): Command {
  return addStoreOptions(new Command('serve'))
    .summary('run the local HTTP API (and the UI) on 127.0.0.1 until Ctrl-C')
    .description(
      'Serve the memory over a loopback-only HTTP API (127.0.0.1) for scripts, browser extensions and ' +
        'agents, with Prometheus metrics at /metrics and the built UI at /. Every /api and /metrics request ' +
        'needs "Authorization: Bearer <token>", the token being the contents of the api-token file in the ' +
        'user data folder (created 0600 on first start). The printed UI link carries the token for the ' +
        'page to read, as Jupyter does; treat it like the token. Stops cleanly on SIGINT/SIGTERM. ' +
        'With --store postgres the /api/v1 routes, /health and /metrics run on Postgres; the UI and ' +
        "the desktop app's channels (/api/v1/call) need the SQLite file and are not served.",
    )
    .addOption(
      new Option(
        '-p, --port <n>',
        `port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)`,
      ).argParser(parseInteger),
    )
    .option('--json', 'print one line {"url", "token_file", "open_url"} on stdout when ready')
    .option('--no-ui', 'do not serve the built UI at /')
    .action((opts: ServeOptions, cmd: Command) =>
      ctx.run(cmd, () => serve(ctx.io, ctx.globals(cmd), opts, waitForStopSignal)),
    );
}

/** Stops the server when `stopped` resolves; dispose() lets go of whatever it listens to. */
export interface StopSource {
  stopped: Promise<unknown>;
  dispose(): void;
}

/** Resolves with the first SIGINT or SIGTERM; a second Ctrl-C then kills the process as usual. */
function waitForStopSignal(): StopSource {
  let stop: (signal: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    stop = (signal) => {
      dispose();
      resolve(signal);
    };
  });
  const dispose = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { stopped, dispose };
}

/**
 * Runs the server until the stop source fires, then closes in order: the server (in-flight
 * requests finish), the metrics hooks, the memory (database), the embedder (worker).
 */
export async function serve(
  io: CliIo,
  globals: GlobalOptions,
  opts: ServeOptions,
  stopSource: () => StopSource,
): Promise<number> {
  const port = opts.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new HippoError('BAD_INPUT', `--port must be between 0 and 65535, got ${port}`);
  const choice = resolveStore(opts, io.env);
  // Listen for signals before the (slow) start, so an early Ctrl-C still closes everything.
  const stop = stopSource();
  const embedder = createNodeEmbedder({ env: io.env });
  let memory: Memory | PostgresStore | null = null;
  let metrics: HippoServerMetrics | null = null;
  let server: RunningServer | null = null;
  try {
    let where: string;
    if (choice.kind === 'postgres') {
      memory = await PostgresStore.open({ url: choice.url, embedder, space: globals.space });
      where = `Postgres ${redactUrl(choice.url)}`;
    } else {
      memory = Memory.open({
        dbPath: resolveDbPath(globals, io),
        embedder,
        space: globals.space,
        backgroundEmbedding: true,
      });
      where = `database ${memory.dbPath}`;
    }
    const store = memory;
    metrics = createServerMetrics({ memory: store, embedder });
    // The UI speaks the desktop app's channels, which need the SQLite file.
    const rendererDir = opts.ui && store instanceof Memory ? findRendererDir() : undefined;
    server = await startServer({
      memory: store,
      embedder,
      metrics,
      port,
      tokenFile: defaultTokenFile(io.env),
      rendererDir,
      settings: serveSettings(io.env),
    });
    if (opts.json) {
      const out: ServeOutput = { url: server.url, token_file: server.tokenFile, open_url: server.openUrl };
      io.stdout.write(`${JSON.stringify(out)}\n`);
    } else {
      const ui =
        store instanceof PostgresStore
          ? 'UI: not served with --store postgres (it needs the SQLite file); the API alone is served'
          : rendererDir
            ? `Open the UI: ${server.openUrl}`
            : 'UI: not built (npm run build); the API alone is served';
      io.stdout.write(
        [
          `Hippo API on ${server.url} (${where})`,
          `Token file: ${server.tokenFile} (send it as "Authorization: Bearer <token>")`,
          ui,
          'Press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
    }
    // Load the model now rather than on the first recall; it also starts embedding facts that were
    // stored while the model was missing, in the background (the Postgres store is asked to here;
    // closing it waits for the batch in flight and stops the rest).
    void store
      .stats()
      .then(() =>
        store instanceof PostgresStore && store.mode === 'hybrid' ? store.embedPending() : undefined,
      )
      .catch(() => undefined);
    const signal = await stop.stopped;
    io.stderr.write(`hippo serve: ${typeof signal === 'string' ? `${signal}, ` : ''}stopping\n`);
    return EXIT_OK;
  } finally {
    stop.dispose();
    await server?.close();
    metrics?.close();
    await memory?.close();
    await embedder.close();
  }
}

/**
 * The settings file the desktop app uses (in the Hippo data folder), of which a page served here may
 * change the theme only: the hotkey, the login item and the in-app API server are the app's. The
 * server's api:status reports this server itself (startServer's default).
 */
export function serveSettings(env: Record<string, string | undefined>): ShellSettings {
  return new ShellSettings({
    store: new SettingsStore(path.join(defaultUserDataDir(env), SETTINGS_FILE)),
    editable: ['theme'],
  });
}

/**
 * The built renderer (electron-vite's out/renderer) of this package, if it was built: found from
 * this module (src/cli in development, dist/ when bundled) up to the package.json named "hippo".
 */
export function findRendererDir(from: string = import.meta.url): string | undefined {
  let dir = path.dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'hippo') {
          const renderer = path.join(dir, 'out', 'renderer');
          return fs.existsSync(path.join(renderer, 'index.html')) ? renderer : undefined;
        }
      } catch {
        // an unreadable package.json is not ours; keep looking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
