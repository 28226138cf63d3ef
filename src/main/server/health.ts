import { version } from '../../../package.json';
import type { ManagedEmbedder } from '../embedder/embedder-pool';
import type { Memory } from '../memory/memory';
import type { PostgresStore } from '../sync/postgres-store';
import { syncStatus } from '../sync/sync-engine';
import type { HealthResponse } from './api-spec';

/**
 * The server's health without touching the model (a probe must not wait for it to load) and
 * without anything private: states only. Degraded means recall runs on words alone (model missing,
 * failed or not configured) or the database does not answer.
 */
export function checkHealth(memory: Memory, embedder: ManagedEmbedder | null): HealthResponse {
  const modelState = modelStateOf(embedder);
  let dbOk = true;
  try {
    memory.db.prepare('SELECT 1').get();
  } catch {
    dbOk = false;
  }
  const sync = dbOk ? syncStatus(memory) : null;
  // A failed sync does not degrade the server: recall and encode work without it.
  return healthOf(modelState, dbOk, memory.schemaVersion, {
    state: sync?.last_result ?? 'never',
    last_sync_at: sync?.last_sync_at ?? null,
    pending_changes: sync?.pending_local ?? 0,
  });
}

/**
 * The same for `hippo serve --store postgres`: the database is the Postgres server (a query must
 * come back), and there is no local file to sync, so sync reads "never" with nothing pending.
 */
export async function checkPgHealth(
  store: PostgresStore,
  embedder: ManagedEmbedder | null,
): Promise<HealthResponse> {
  let dbOk = true;
  try {
    await store.pool.query('SELECT 1');
  } catch {
    dbOk = false;
  }
  return healthOf(modelStateOf(embedder), dbOk, store.schemaVersion, {
    state: 'never',
    last_sync_at: null,
    pending_changes: 0,
  });
}

function modelStateOf(embedder: ManagedEmbedder | null): HealthResponse['model']['state'] {
  if (!embedder) return 'disabled';
  const err = embedder.lastError;
  if (err) return err.code === 'MODEL_MISSING' ? 'missing' : 'failed';
  return embedder.modelId ? 'ready' : 'loading';
}

function healthOf(
  modelState: HealthResponse['model']['state'],
  dbOk: boolean,
  schemaVersion: number,
  sync: HealthResponse['sync'],
): HealthResponse {
  const healthy = dbOk && (modelState === 'ready' || modelState === 'loading');
  return {
    status: healthy ? 'ok' : 'degraded',
    version,
    mode: modelState === 'ready' ? 'hybrid' : 'text-only',
    model: { state: modelState },
    db: { state: dbOk ? 'ok' : 'error', schema_version: schemaVersion },
    sync,
  };
}
