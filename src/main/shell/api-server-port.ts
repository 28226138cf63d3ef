import type { ApiStatus } from '../../shared/ipc-contract';
import type { ApiPort } from '../app-service/app-service';
import type { ManagedEmbedder } from '../embedder/embedder-pool';
import type { Memory } from '../memory/memory';
import { writeNewToken } from '../server/api-token';
import { createServerMetrics, type HippoServerMetrics } from '../server/metrics';
import { startServer, type RunningServer } from '../server/start-server';
import type { ApiControl } from './settings-port';

export interface ApiServerPortOptions {
  memory: Memory;
  embedder: ManagedEmbedder | null;
  /** The same file `hippo serve` uses, so a script finds the token whichever one runs. */
  tokenFile: string;
  /** Told why the server could not start or stop, for the app log. */
  onError?: (message: string, error: unknown) => void;
}

export interface ApiConfig {
  enabled: boolean;
  /** 0 picks a free port (tests). */
  port: number;
}

/**
 * The loopback HTTP API run inside the desktop app while the setting says so: started, stopped
 * and moved to another port on request, one change at a time. A port another program holds is not
 * a crash but a sentence in status().error; the app keeps running without the API.
 */
export class ApiServerPort implements ApiPort, ApiControl {
  private server: RunningServer | null = null;
  /** The port asked for when the running server was started (0 means any). */
  private startedFor: number | null = null;
  private metrics: HippoServerMetrics | null = null;
  private problem: string | null = null;
  private closed = false;
  /** Changes run one after another so a fast on/off/on never leaves two servers or none. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ApiServerPortOptions) {}

  /** Where scripts reach the API now; null while it is off. */
  get url(): string | null {
    return this.server?.url ?? null;
  }

  status(): ApiStatus {
    return {
      running: this.server !== null,
      url: this.server?.url ?? null,
      token: this.server?.token ?? null,
      token_file: this.opts.tokenFile,
      error: this.problem,
      manageable: true,
    };
  }

  configure(config: ApiConfig): Promise<ApiStatus> {
    return this.serially(async () => {
      if (this.closed) return;
      if (!config.enabled) {
        this.problem = null;
        await this.stop();
        return;
      }
      if (this.server && this.startedFor === config.port) return;
      await this.stop();
      await this.start(config.port);
    });
  }

  /** A new token in the file; a running server refuses the old one from the next request on. */
  regenerateToken(): Promise<ApiStatus> {
    return this.serially(() => {
      if (this.server) this.server.regenerateToken();
      else writeNewToken(this.opts.tokenFile);
    });
  }

  /** Stops the server for good (on quit, before the database closes). */
  close(): Promise<void> {
    return this.serially(async () => {
      this.closed = true;
      await this.stop();
      this.metrics?.close();
      this.metrics = null;
    }).then(() => undefined);
  }

  private serially(work: () => void | Promise<void>): Promise<ApiStatus> {
    const run = this.queue.then(work);
    // A failed change must not block the ones after it; the caller still sees its own failure.
    this.queue = run.catch(() => undefined);
    return run.then(() => this.status());
  }

  private async start(port: number): Promise<void> {
    const { memory, embedder, tokenFile } = this.opts;
    this.metrics ??= createServerMetrics({ memory, embedder });
    try {
      this.server = await startServer({ memory, embedder, metrics: this.metrics, port, tokenFile });
      this.startedFor = port;
      this.problem = null;
    } catch (err) {
      this.problem = describeStartFailure(port, err);
      this.opts.onError?.(this.problem, err);
    }
  }

  private async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.startedFor = null;
    if (!server) return;
    try {
      await server.close();
    } catch (err) {
      this.opts.onError?.(`the API server on ${server.url} did not close cleanly`, err);
    }
  }
}

/** In words for the settings screen (not the CLI's "--port" advice). */
function describeStartFailure(port: number, err: unknown): string {
  const cause = (err as { cause?: unknown }).cause as NodeJS.ErrnoException | undefined;
  if (cause?.code === 'EADDRINUSE')
    return `port ${port} is in use by another program; choose another port or stop that program`;
  return `the API server could not start: ${(err as Error).message}`;
}
