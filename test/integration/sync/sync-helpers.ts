import pg from 'pg';
import type { Embedder } from '../../../src/main/embedder/types';
import { Memory } from '../../../src/main/memory/memory';
import { migratePg } from '../../../src/main/sync/pg-migrate';
import { openLexicalMemory } from '../../helpers/lexical-memory';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

/** A clock a test moves by hand, so "who wrote last" is decided by the test, not by timing. */
export function manualClock(start = 1_800_000_000_000) {
  let t = start;
  return {
    now: () => t,
    set(ms: number) {
      t = ms;
    },
  };
}

/** The real embedder with a count of the texts it was asked to embed. */
export function countingEmbedder(inner: Embedder): Embedder & { texts: number } {
  const counted = {
    texts: 0,
    get modelId() {
      return inner.modelId;
    },
    get lastError() {
      return inner.lastError;
    },
    ready: () => inner.ready(),
    async embed(texts: string[], opts?: Parameters<Embedder['embed']>[1]) {
      counted.texts += texts.length;
      return inner.embed(texts, opts);
    },
    close: () => inner.close(),
    attachCache: inner.attachCache?.bind(inner),
    detachCache: inner.detachCache?.bind(inner),
  };
  return counted;
}

export interface Device {
  memory: Memory;
  embedder: Embedder & { texts: number };
  clock: ReturnType<typeof manualClock>;
  dbPath: string;
  close(): Promise<void>;
}

/** A device: its own SQLite file, the real worker on the lexical test model, a hand clock. */
export async function openDevice(): Promise<Device> {
  const { createNodeEmbedder } = await import('../../../src/main/embedder/embedder-client');
  const { LEXICAL_MODEL_DIR } = await import('../../helpers/lexical-memory');
  const embedder = countingEmbedder(createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 }));
  const clock = manualClock();
  const opened = openLexicalMemory({ embedder, now: clock.now });
  return {
    memory: opened.memory,
    embedder,
    clock,
    dbPath: opened.dbPath,
    close: () => opened.close(),
  };
}

/** A Postgres (PGlite over the wire, or HIPPO_TEST_PG_URL) migrated to the Hippo schema. */
export async function openRemote(): Promise<{ server: PgTestServer; pool: pg.Pool; close(): Promise<void> }> {
  const server = await startPgServer();
  const pool = new pg.Pool({ connectionString: server.url, max: 4 });
  await migratePg(pool);
  return {
    server,
    pool,
    async close() {
      await pool.end();
      await server.close();
    },
  };
}

export interface FactState {
  uid: string;
  content: string;
  category: string;
  confidence: number;
  label: string | null;
  deleted: boolean;
  superseded_by: string | null;
  embedded_model: string | null;
  has_vector: boolean;
}

/** Everything a device holds that must agree across devices, by uid. */
export function snapshot(memory: Memory): {
  facts: FactState[];
  labels: Array<{ uid: string; name: string; deleted: boolean }>;
} {
  const facts = memory.db
    .prepare(
      `SELECT f.uid, f.content, f.category, f.confidence, l.name AS label, f.deleted_at IS NOT NULL AS deleted,
         s.uid AS superseded_by, f.embedded_model,
         EXISTS (SELECT 1 FROM vec_facts v WHERE v.fact_id = f.id) AS has_vector
       FROM facts f LEFT JOIN labels l ON l.id = f.label_id LEFT JOIN facts s ON s.id = f.superseded_by
       ORDER BY f.uid`,
    )
    .all() as Array<Omit<FactState, 'deleted' | 'has_vector'> & { deleted: number; has_vector: number }>;
  const labels = memory.db
    .prepare('SELECT uid, name, deleted_at IS NOT NULL AS deleted FROM labels ORDER BY uid')
    .all() as Array<{ uid: string; name: string; deleted: number }>;
  return {
    facts: facts.map((f) => ({ ...f, deleted: !!f.deleted, has_vector: !!f.has_vector })),
    labels: labels.map((l) => ({ ...l, deleted: !!l.deleted })),
  };
}

export const uidOf = (memory: Memory, id: number): string =>
  (memory.db.prepare('SELECT uid FROM facts WHERE id = ?').get(id) as { uid: string }).uid;

export const idOf = (memory: Memory, uid: string): number =>
  (memory.db.prepare('SELECT id FROM facts WHERE uid = ?').get(uid) as { id: number }).id;

/** The highest change_seq Postgres handed out: unchanged means nothing was written there. */
export async function remoteHead(pool: pg.Pool): Promise<number> {
  const r = await pool.query<{ n: string }>(
    `SELECT greatest((SELECT coalesce(max(change_seq), 0) FROM facts), (SELECT coalesce(max(change_seq), 0) FROM labels),
       (SELECT coalesce(max(change_seq), 0) FROM label_versions)) AS n`,
  );
  return Number(r.rows[0]!.n);
}
