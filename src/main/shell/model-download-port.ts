import { toErrorPayload } from '../../shared/errors';
import type { ModelDownload } from '../../shared/ipc-contract';
import type { ModelDownloadPort } from '../app-service/app-service';
import { fetchModel } from '../embedder/model-fetch';
import { resolveModelManifest } from '../embedder/model-manifest';

export interface ModelDownloadOptions {
  /** The user data model folder, one of the folders modelSearchPaths looks in. */
  destDir: string;
  /** HIPPO_MODEL_MANIFEST and HIPPO_MODEL_BASE_URL are read from here, as `hippo model fetch` does. */
  env?: NodeJS.ProcessEnv;
  /** Told a download finished: the embedder drops a remembered failure (EmbedderClient.reload). */
  embedder: { reload(): void };
  /**
   * Called once the files are in place, to load the model now rather than on the next search and
   * to embed what was stored without it (the app calls memory.stats()).
   */
  onModelReady?: () => unknown;
  /** Every progress step, for a log or a push to the window; the UI polls model:status anyway. */
  onChange?: (download: ModelDownload) => void;
  onError?: (message: string, error: unknown) => void;
  fetchImpl?: typeof fetch;
}

/**
 * Downloads the embedding model from the settings screen, as `hippo model fetch` does: one download
 * at a time, progress over all files, cancel keeps the partial files so the next start resumes, and
 * when it is done the embedder picks the model up without a restart.
 */
export class ModelDownloader implements ModelDownloadPort {
  private download: ModelDownload | null = null;
  private controller: AbortController | null = null;
  private run: Promise<void> | null = null;

  constructor(private readonly opts: ModelDownloadOptions) {}

  start(): void {
    if (this.run) return;
    const controller = new AbortController();
    this.controller = controller;
    this.set({ file: '', bytes: 0, total: 0, error: null });
    this.run = this.fetch(controller.signal).finally(() => {
      this.controller = null;
      this.run = null;
    });
  }

  cancel(): void {
    this.controller?.abort();
  }

  current(): ModelDownload | null {
    return this.download ? { ...this.download } : null;
  }

  running(): boolean {
    return this.run !== null;
  }

  /** Resolves when the download under way (if any) has ended, however it ended. */
  async settled(): Promise<void> {
    await this.run;
  }

  private async fetch(signal: AbortSignal): Promise<void> {
    const { env, destDir, fetchImpl } = this.opts;
    try {
      const { manifest } = await resolveModelManifest({ env });
      const total = manifest.files.reduce((n, f) => n + f.size, 0);
      this.set({ file: manifest.files[0]?.path ?? '', bytes: 0, total, error: null });
      await fetchModel({
        manifest,
        destDir,
        signal,
        fetchImpl,
        onProgress: (p) => this.set({ file: p.file, bytes: p.bytes, total: p.total, error: null }),
      });
    } catch (err) {
      const message = signal.aborted
        ? 'The download was cancelled; the part already downloaded is kept and the next download resumes it.'
        : toErrorPayload(err).message;
      this.set({ ...(this.download ?? { file: '', bytes: 0, total: 0 }), error: message });
      if (!signal.aborted) this.opts.onError?.(message, err);
      return;
    }
    // Done: nothing left to show; model:status now reports the model itself.
    this.download = null;
    this.opts.embedder.reload();
    try {
      await this.opts.onModelReady?.();
    } catch (err) {
      this.opts.onError?.('the downloaded model could not be loaded', err);
    }
  }

  private set(download: ModelDownload): void {
    this.download = download;
    this.opts.onChange?.({ ...download });
  }
}
