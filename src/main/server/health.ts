import { version } from '../../../package.json';
import type { ManagedEmbedder } from '../embedder/embedder-pool';
import type { Memory } from '../memory/memory';
import { syncStatus } from '../sync/sync-engine';
import type { HealthResponse } from './api-spec';

/**
 * The server's health without touching the model (a probe must not wait for it to load) and
 * without anything private: states only. Degraded means recall runs on words alone (model missing,
 * failed or not configured) or the database does not answer.
 */
export function checkHealth(memory: Memory, embedder: ManagedEmbedder | null): HealthResponse {
  const modelState = ((): HealthResponse['model']['state'] => {
    if (!embedder) return 'disabled';
    const err = embedder.lastError;
    if (err) return err.code === 'MODEL_MISSING' ? 'missing' : 'failed';
    return embedder.modelId ? 'ready' : 'loading';
  })();
  let dbOk = true;
  try {
    memory.db.prepare('SELECT 1').get();
  } catch {
    dbOk = false;
  }
  const healthy = dbOk && (modelState === 'ready' || modelState === 'loading');
  const sync = dbOk ? syncStatus(memory) : null;
  return {
    status: healthy ? 'ok' : 'degraded',
    version,
    mode: modelState === 'ready' ? 'hybrid' : 'text-only',
    model: { state: modelState },
    db: { state: dbOk ? 'ok' : 'error', schema_version: memory.schemaVersion },
    // A failed sync does not degrade the server: recall and encode work without it.
    sync: {
      state: sync?.last_result ?? 'never',
      last_sync_at: sync?.last_sync_at ?? null,
      pending_changes: sync?.pending_local ?? 0,
    },
  };
}
