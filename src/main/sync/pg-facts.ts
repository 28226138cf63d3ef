import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ExportedFact, FactPatch } from '../../shared/contract';
import type { Embedder } from '../embedder/types';
import { contentHash } from '../memory/normalize-content';
import type { EmbedPendingProgress } from '../memory/memory';
import { indexFactTerms, type Bm25Tokenizer } from './pg-bm25';
import { exportedRecord } from '../memory/stored-records';
import { FACT_SELECT, NOT_PURGED, inPgWrite, type FactQueryRow } from './pg-fact-rows';
import { toPgVector } from './pg-statements';
import { PURGED_HASH } from './sync-rows';
import { embedFactTexts } from '../memory/passages';

/** What the store's fact writes need; every row they change gets origin_device = device. */
export interface PgFactDeps {
  pool: pg.Pool;
  tokenizer: Bm25Tokenizer;
  device: string;
  now(): number;
}

/**
 * Memory.update in Postgres: the fields given change in place and updated_at becomes now; a new
 * content drops the old vector and takes `vector` (null without a model: embedPending makes it
 * later) and is re-indexed for bm25 in the same transaction; a label named is found (any letter
 * case) or created without a vector, as SQLite creates it.
 */
export async function pgUpdateFact(
  deps: PgFactDeps,
  row: FactQueryRow,
  patch: FactPatch,
  embedded: { vector: Float32Array; model: string } | null,
): Promise<void> {
  await inPgWrite(deps.pool, async (client) => {
    const now = deps.now();
    const params: unknown[] = [row.id, now, deps.device];
    const set = ['updated_at = $2', 'version = version + 1', 'origin_device = $3'];
    const put = (column: string, value: unknown, cast = ''): void => {
      params.push(value);
      set.push(`${column} = $${params.length}${cast}`);
    };
    if (patch.content !== undefined) {
      put('content', patch.content);
      put('content_hash', contentHash(patch.content));
      put('embedding', embedded ? toPgVector(embedded.vector) : null, '::vector');
      put('embedded_model', embedded ? embedded.model : null);
    }
    if (patch.category !== undefined) put('category', patch.category);
    if (patch.confidence !== undefined) put('confidence', patch.confidence);
    if (patch.source !== undefined) put('source', patch.source);
    if (patch.label !== undefined)
      put(
        'label_uid',
        patch.label === null ? null : await labelUidFor(client, deps, row, patch.label, now),
        '::uuid',
      );
    await client.query(`UPDATE facts SET ${set.join(', ')} WHERE id = $1`, params);
    if (patch.content !== undefined) await indexFactTerms(client, deps.tokenizer);
  });
}

async function labelUidFor(
  client: pg.ClientBase,
  deps: PgFactDeps,
  row: FactQueryRow,
  name: string,
  now: number,
): Promise<string> {
  const found = await client.query<{ uid: string }>(
    'SELECT uid::text AS uid FROM labels WHERE space = $1 AND lower(name) = lower($2) AND deleted_at IS NULL',
    [row.space, name],
  );
  if (found.rows[0]) return found.rows[0].uid;
  const uid = randomUUID();
  await client.query(
    `INSERT INTO labels (uid, space, name, kind, category, vector_count, created_at, updated_at, origin_device)
     VALUES ($1, $2, $3, 'topic', $4, 0, $5, $5, $6)`,
    [uid, row.space, name, row.category, now, deps.device],
  );
  return uid;
}

/**
 * Memory.purge in Postgres: the fact and its older wordings become tombstones (sync-rows.ts), the
 * rows sync already uses to tell every device to purge its copy; their words leave the bm25 index.
 */
export async function pgPurgeFact(deps: PgFactDeps, row: FactQueryRow): Promise<void> {
  await inPgWrite(deps.pool, async (client) => {
    const now = deps.now();
    await client.query(
      `UPDATE facts SET content = '', content_hash = $2, source = NULL, label_uid = NULL, superseded_by = NULL,
         embedding = NULL, embedded_model = NULL, deleted_at = coalesce(deleted_at, $3),
         updated_at = greatest(updated_at, $3), version = version + 1, origin_device = $4
       WHERE (uid = $1 OR (superseded_by = $1 AND supersede_reason = 'edited')) AND content_hash <> $2`,
      [row.uid, PURGED_HASH, now, deps.device],
    );
    // The facts it had superseded are current again, as in SQLite (the link would point at nothing).
    await client.query(
      `UPDATE facts SET superseded_by = NULL, superseded_at = NULL, supersede_reason = NULL,
         updated_at = greatest(updated_at, $2), version = version + 1, origin_device = $3
       WHERE superseded_by = $1 AND supersede_reason = 'superseded'`,
      [row.uid, now, deps.device],
    );
    await indexFactTerms(client, deps.tokenizer);
  });
}

/** Rows read per round trip while exporting. */
const EXPORT_PAGE = 1000;

/**
 * Memory.exportRecords: every fact of the space, live and forgotten, as import-ready records, read
 * page by page inside one read-only repeatable-read transaction, so the export is one consistent
 * snapshot however long the writing takes (as SQLite's single statement is).
 */
export async function* pgExportRecords(pool: pg.Pool, space: string): AsyncIterableIterator<ExportedFact> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    let after = 0;
    for (;;) {
      const page = await client.query<FactQueryRow>(
        `${FACT_SELECT} WHERE f.space = $1 AND f.superseded_by IS NULL AND ${NOT_PURGED} AND f.id > $2
          ORDER BY f.id LIMIT $3`,
        [space, after, EXPORT_PAGE],
      );
      for (const row of page.rows) yield exportedRecord(row);
      if (page.rows.length < EXPORT_PAGE) break;
      after = Number(page.rows.at(-1)!.id);
    }
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    // Also when the reader stops early (a closed pipe): the snapshot ends and the client goes back.
    await client.query(failed ? 'ROLLBACK' : 'COMMIT').catch(() => undefined);
    client.release();
  }
}

export interface PgEmbedPendingOptions {
  maxMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: EmbedPendingProgress) => void;
  /** True once the store is closing: stop between batches. */
  closed(): boolean;
}

/**
 * The facts embedPending looks for: no vector yet, not an older wording, not a purge tombstone.
 * Exactly the predicate of the partial index facts_embedding_pending (migration 0005), so the
 * count every command with the model loaded makes, and each batch, read that index rather than
 * the whole table; change one, change the other.
 */
const PENDING_FACTS = `f.embedding IS NULL AND f.superseded_by IS NULL AND ${NOT_PURGED}`;
export const PENDING_FACTS_COUNT_SQL = `SELECT count(*) AS n FROM facts f WHERE ${PENDING_FACTS}`;
/** $1 = the last id of the batch before, $2 = the batch size. */
export const PENDING_FACTS_BATCH_SQL = `SELECT f.id, f.content FROM facts f
  WHERE ${PENDING_FACTS} AND f.id > $1 ORDER BY f.id LIMIT $2`;

/** Facts embedded per batch (and per transaction). */
const EMBED_BATCH = 64;

/**
 * Memory.embedPending in Postgres: labels and facts stored without a vector (text-only mode, or
 * pulled from a device without the model) are embedded in batches of EMBED_BATCH, each batch in
 * its own write transaction, until done, maxMs passes or the signal aborts. A fact whose content
 * changed while its vector was computed is skipped (its new content is pending again).
 */
export async function pgEmbedPending(
  deps: PgFactDeps & { embedder: Embedder | null; model: string | null },
  opts: PgEmbedPendingOptions,
): Promise<EmbedPendingProgress> {
  const labels = await deps.pool.query<{ uid: string; name: string }>(
    'SELECT uid::text AS uid, name FROM labels WHERE deleted_at IS NULL AND embedding IS NULL ORDER BY created_at, uid',
  );
  const facts = await deps.pool.query<{ n: string }>(PENDING_FACTS_COUNT_SQL);
  const progress = { done: 0, total: labels.rows.length + Number(facts.rows[0]!.n) };
  const { model, embedder } = deps;
  if (!model || !embedder || progress.total === 0) return progress;
  const started = Date.now();
  const expired = (): boolean =>
    opts.closed() ||
    Boolean(opts.signal?.aborted) ||
    (opts.maxMs !== undefined && Date.now() - started > opts.maxMs);

  for (const label of labels.rows) {
    if (expired()) return progress;
    const [v] = await embedder.embed([label.name]);
    await inPgWrite(deps.pool, (client) =>
      client.query(
        `UPDATE labels SET embedding = $2::vector, vector_count = 1, version = version + 1, origin_device = $3
          WHERE uid = $1 AND embedding IS NULL`,
        [label.uid, toPgVector(v!), deps.device],
      ),
    );
    progress.done++;
  }
  let after = 0;
  for (;;) {
    if (expired()) break;
    const batch = await deps.pool.query<{ id: string; content: string }>(PENDING_FACTS_BATCH_SQL, [
      after,
      EMBED_BATCH,
    ]);
    if (batch.rows.length === 0) break;
    const vectors = await embedFactTexts(
      embedder,
      batch.rows.map((b) => b.content),
    );
    if (opts.closed()) break;
    await inPgWrite(deps.pool, (client) =>
      client.query(
        `UPDATE facts f SET embedding = x.v::vector, embedded_model = $4, version = f.version + 1, origin_device = $5
           FROM unnest($1::bigint[], $2::text[], $3::text[]) AS x(id, content, v)
          WHERE f.id = x.id AND f.content = x.content AND f.embedding IS NULL`,
        [
          batch.rows.map((b) => b.id),
          batch.rows.map((b) => b.content),
          vectors.map(toPgVector),
          model,
          deps.device,
        ],
      ),
    );
    progress.done += batch.rows.length;
    opts.onProgress?.({ ...progress });
    after = Number(batch.rows.at(-1)!.id);
  }
  return progress;
}
