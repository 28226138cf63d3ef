import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { DEFAULT_CATEGORY, DEFAULT_CONFIDENCE, type EncodeResult } from '../../shared/contract';
import type { Embedder } from '../embedder/types';
import type { EncodeItem } from '../memory/encode';
import type { MemoryTuning, QueryTimingListener } from '../memory/memory-context';
import { contentHash } from '../memory/normalize-content';
import { normalize } from '../memory/vector';
import { indexFactTerms, type Bm25Tokenizer } from './pg-bm25';
import { PG_WRITE_LOCK } from './pg-migrate';
import { fromPgVector, named, toPgVector } from './pg-statements';
import { inPgTransaction } from './pg-connect';
import { timedPg } from './pg-fact-rows';
import { pgMarkSuperseded, pgRequireCurrent } from './pg-supersede';
import { HippoError } from '../../shared/errors';
import { embedFactTexts } from '../memory/passages';

export interface PgEncodeDeps {
  pool: pg.Pool;
  tokenizer: Bm25Tokenizer;
  embedder: Embedder | null;
  model: string | null;
  tuning: MemoryTuning;
  /** Written as origin_device on every row this store creates or changes. */
  device: string;
  now(): number;
  /**
   * Told how long the near-duplicate scan ('encode_knn') and the whole write transaction
   * ('encode_write', which here contains the scans) took, for metrics.
   */
  queryListeners?: ReadonlySet<QueryTimingListener>;
}

/** Texts sent to the embedder per call. */
const EMBED_GROUP = 64;

interface LabelHit {
  uid: string;
  name: string;
}

/**
 * SQLite's encode (encode.ts) in Postgres, in one transaction under the write lock: duplicates
 * inside the batch collapse onto the first, an exact duplicate (same normalized content, hash
 * from normalize-content.ts) only refreshes the stored fact, a near duplicate (cosine >=
 * mergeThreshold, same category) merges into it keeping the older wording as a superseded row,
 * and anything else becomes a new fact whose label is the one named, or else the nearest label
 * at >= labelThreshold. Thresholds are SQLite's own (MemoryTuning). Inside the transaction the
 * nearest-fact search sees this batch's own rows, so no separate bookkeeping is needed.
 */
export async function pgEncodeItems(deps: PgEncodeDeps, items: EncodeItem[]): Promise<EncodeResult[]> {
  const { tuning, model } = deps;
  const hashes = items.map((it) => contentHash(it.content));
  const firstOfHash = new Map<string, number>();
  items.forEach((it, i) => {
    const key = `${it.space}\n${hashes[i]}`;
    if (!firstOfHash.has(key)) firstOfHash.set(key, i);
  });

  // A bad `supersedes` fails before anything is embedded; checked again under the write lock.
  const supersedesField = (i: number) => (items.length > 1 ? `facts[${i}].supersedes` : 'supersedes');
  for (const [i, it] of items.entries()) {
    if (it.supersedes === undefined) continue;
    if (it.deleted_at !== undefined)
      throw new HippoError('BAD_INPUT', `${supersedesField(i)}: a forgotten fact cannot supersede another`);
    await pgRequireCurrent(deps.pool, it.supersedes, it.space, supersedesField(i));
  }
  const vectors = await embedItems(deps, items, hashes, firstOfHash);
  const now = deps.now();
  const results: EncodeResult[] = new Array(items.length);
  const write = () =>
    inPgTransaction(deps.pool, async (client) => {
      await client.query(named(client, 'SELECT pg_advisory_xact_lock($1)', [PG_WRITE_LOCK]));
      for (let i = 0; i < items.length; i++) {
        const it = items[i]!;
        const hash = hashes[i]!;
        const first = firstOfHash.get(`${it.space}\n${hash}`)!;
        const confidence = it.confidence ?? DEFAULT_CONFIDENCE;
        const old =
          it.supersedes === undefined
            ? null
            : await pgRequireCurrent(client, it.supersedes, it.space, supersedesField(i));
        const superseded = it.supersedes === undefined ? {} : { supersedes: it.supersedes };
        if (first !== i) {
          const r = results[first]!;
          if (old) {
            if (it.supersedes === r.id)
              throw new HippoError('BAD_INPUT', `facts[${i}].supersedes: fact ${r.id} already says this`);
            const uid = await client.query<{ uid: string }>(
              'SELECT uid::text AS uid FROM facts WHERE id = $1',
              [r.id],
            );
            await pgMarkSuperseded(client, old.uid, uid.rows[0]!.uid, now, deps.device);
          }
          await client.query(
            named(
              client,
              `UPDATE facts SET confidence = $2, version = version + 1, origin_device = $3
              WHERE id = $1 AND confidence < $2`,
              [r.id, confidence, deps.device],
            ),
          );
          results[i] = { id: r.id, status: 'duplicate', label: r.label, ...superseded };
          continue;
        }
        const category = it.category ?? DEFAULT_CATEGORY;
        const created = it.created_at ?? now;
        const updated = it.updated_at ?? Math.max(now, created);

        if (!it.deleted_at) {
          const existing = await client.query<{ id: string; uid: string; label_name: string | null }>(
            named(
              client,
              `SELECT f.id, f.uid::text AS uid, l.name AS label_name FROM facts f LEFT JOIN labels l ON l.uid = f.label_uid
              WHERE f.space = $1 AND f.content_hash = $2 AND f.deleted_at IS NULL AND f.superseded_by IS NULL
              ORDER BY f.id LIMIT 1`,
              [it.space, hash],
            ),
          );
          const hit = existing.rows[0];
          if (hit) {
            if (old && Number(hit.id) === Number(old.id))
              throw new HippoError(
                'BAD_INPUT',
                `${supersedesField(i)}: fact ${hit.id} already says this; there is nothing to replace`,
              );
            await client.query(
              named(
                client,
                `UPDATE facts SET confidence = greatest(confidence, $2::real),
                      updated_at = greatest(updated_at, $3::bigint), version = version + 1, origin_device = $4
                WHERE id = $1`,
                [hit.id, confidence, updated, deps.device],
              ),
            );
            // The new wording is already stored: the replaced fact is superseded by that one.
            if (old) await pgMarkSuperseded(client, old.uid, hit.uid, now, deps.device);
            results[i] = { id: Number(hit.id), status: 'duplicate', label: hit.label_name, ...superseded };
            continue;
          }
        }

        const vector = vectors.get(it.content);
        const label = await resolveLabel(
          client,
          deps,
          it,
          category,
          vector,
          vectors.get(it.label ?? ''),
          now,
        );

        // An explicit replacement is a new fact, never merged into a near one.
        if (vector && model && !it.deleted_at && !old) {
          const near = await timedPg(deps.queryListeners, 'encode_knn', () =>
            client.query<{ id: string; uid: string; similarity: number }>(
              named(
                client,
                `SELECT f.id, f.uid, 1 - (f.embedding <=> $3::vector) AS similarity FROM facts f
                WHERE f.space = $1 AND f.category = $2 AND f.deleted_at IS NULL AND f.superseded_by IS NULL
                  AND f.embedded_model = $4
                ORDER BY f.embedding <=> $3::vector LIMIT 1`,
                [it.space, category, toPgVector(vector), model],
              ),
            ),
          );
          const n = near.rows[0];
          if (n && n.similarity >= tuning.mergeThreshold) {
            // Keep the older wording as history (superseded) so a merge can be undone.
            await client.query(
              named(
                client,
                `INSERT INTO facts (uid, space, content, content_hash, category, confidence, label_uid, source,
                                  created_at, updated_at, superseded_by, origin_device)
               SELECT $2, space, content, content_hash, category, confidence, label_uid, source,
                      created_at, updated_at, uid, $3
                 FROM facts WHERE uid = $1`,
                [n.uid, randomUUID(), deps.device],
              ),
            );
            const merged = await client.query<{ label_name: string | null }>(
              named(
                client,
                `UPDATE facts f SET content = $2, content_hash = $3, confidence = greatest(f.confidence, $4::real),
                      updated_at = greatest(f.updated_at, $5::bigint), source = coalesce($6, f.source),
                      label_uid = CASE WHEN $7::boolean THEN $8::uuid ELSE f.label_uid END,
                      embedding = $9::vector, embedded_model = $10, version = f.version + 1, origin_device = $11
                WHERE f.uid = $1
               RETURNING (SELECT name FROM labels WHERE uid = f.label_uid) AS label_name`,
                [
                  n.uid,
                  it.content,
                  hash,
                  confidence,
                  updated,
                  it.source ?? null,
                  Boolean(it.label),
                  label?.uid ?? null,
                  toPgVector(vector),
                  model,
                  deps.device,
                ],
              ),
            );
            results[i] = { id: Number(n.id), status: 'merged', label: merged.rows[0]?.label_name ?? null };
            continue;
          }
        }

        const withVector = vector && model ? toPgVector(vector) : null;
        const newUid = randomUUID();
        const inserted = await client.query<{ id: string }>(
          named(
            client,
            `INSERT INTO facts (uid, space, content, content_hash, category, confidence, label_uid, source,
                              created_at, updated_at, deleted_at, embedding, embedded_model, origin_device)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::vector, $13, $14)
           RETURNING id`,
            [
              newUid,
              it.space,
              it.content,
              hash,
              category,
              confidence,
              label?.uid ?? null,
              it.source ?? null,
              created,
              updated,
              it.deleted_at ?? null,
              withVector,
              withVector ? model : null,
              deps.device,
            ],
          ),
        );
        if (vector && model && label && it.label) await foldIntoLabel(client, deps, label.uid, vector, now);
        if (old) await pgMarkSuperseded(client, old.uid, newUid, now, deps.device);
        results[i] = {
          id: Number(inserted.rows[0]!.id),
          status: 'created',
          label: label?.name ?? null,
          ...superseded,
        };
      }
      // The words of this batch become searchable when it commits, not a recall later.
      await indexFactTerms(client, deps.tokenizer);
      return results;
    });
  return timedPg(deps.queryListeners, 'encode_write', write);
}

/** Embeds the contents that may become facts and the names of labels still to be created. */
async function embedItems(
  deps: PgEncodeDeps,
  items: EncodeItem[],
  hashes: string[],
  firstOfHash: Map<string, number>,
): Promise<Map<string, Float32Array>> {
  const vectors = new Map<string, Float32Array>();
  if (!deps.model || !deps.embedder) return vectors;
  const spaces = items.map((it) => it.space);
  // Exact duplicates of stored facts need no vector (re-checked inside the transaction).
  const known = await deps.pool.query<{ space: string; content_hash: string }>(
    `SELECT DISTINCT f.space, f.content_hash FROM facts f
       JOIN unnest($1::text[], $2::text[]) AS x(space, h) ON f.space = x.space AND f.content_hash = x.h
      WHERE f.deleted_at IS NULL AND f.superseded_by IS NULL`,
    [spaces, hashes],
  );
  const stored = new Set(known.rows.map((r) => `${r.space}\n${r.content_hash}`));
  const labelled = items.filter((it) => it.label);
  const existingLabels = await deps.pool.query<{ space: string; lname: string }>(
    `SELECT DISTINCT l.space, lower(l.name) AS lname FROM labels l
       JOIN unnest($1::text[], $2::text[]) AS x(space, n) ON l.space = x.space AND lower(l.name) = lower(x.n)
      WHERE l.deleted_at IS NULL`,
    [labelled.map((it) => it.space), labelled.map((it) => it.label!)],
  );
  const haveLabel = new Set(existingLabels.rows.map((r) => `${r.space}\n${r.lname}`));
  const texts = new Set<string>();
  items.forEach((it, i) => {
    const key = `${it.space}\n${hashes[i]}`;
    if (firstOfHash.get(key) !== i) return;
    if (!it.deleted_at && stored.has(key)) return;
    texts.add(it.content);
    if (it.label && !haveLabel.has(`${it.space}\n${it.label.toLowerCase()}`)) texts.add(it.label);
  });
  // Similar lengths share a group, so the worker pads little.
  const sorted = [...texts].sort((a, b) => a.length - b.length);
  const groups: string[][] = [];
  for (let i = 0; i < sorted.length; i += EMBED_GROUP) groups.push(sorted.slice(i, i + EMBED_GROUP));
  const outs = groups.map((g) => embedFactTexts(deps.embedder!, g));
  // Nothing left unobserved if one group fails.
  for (const p of outs) p.catch(() => undefined);
  for (let g = 0; g < groups.length; g++) {
    const out = await outs[g]!;
    groups[g]!.forEach((text, j) => vectors.set(text, out[j]!));
  }
  return vectors;
}

/** An explicit label is found or created; otherwise the nearest label close enough, or none. */
async function resolveLabel(
  client: pg.PoolClient,
  deps: PgEncodeDeps,
  it: EncodeItem,
  category: string,
  vector: Float32Array | undefined,
  nameVector: Float32Array | undefined,
  now: number,
): Promise<LabelHit | undefined> {
  if (it.label) {
    const found = await client.query<LabelHit>(
      named(
        client,
        `SELECT uid, name FROM labels WHERE space = $1 AND lower(name) = lower($2) AND deleted_at IS NULL`,
        [it.space, it.label],
      ),
    );
    if (found.rows[0]) return found.rows[0];
    const created = await client.query<LabelHit>(
      named(
        client,
        `INSERT INTO labels (uid, space, name, kind, category, embedding, vector_count, created_at, updated_at, origin_device)
         VALUES ($1, $2, $3, 'topic', $4, $5::vector, $6, $7, $7, $8) RETURNING uid, name`,
        [
          randomUUID(),
          it.space,
          it.label,
          category,
          nameVector ? toPgVector(nameVector) : null,
          nameVector ? 1 : 0,
          now,
          deps.device,
        ],
      ),
    );
    return created.rows[0];
  }
  if (!vector) return undefined;
  const near = await client.query<LabelHit & { similarity: number }>(
    named(
      client,
      `SELECT uid, name, 1 - (embedding <=> $2::vector) AS similarity FROM labels
        WHERE space = $1 AND deleted_at IS NULL AND embedding IS NOT NULL
        ORDER BY embedding <=> $2::vector LIMIT 1`,
      [it.space, toPgVector(vector)],
    ),
  );
  const hit = near.rows[0];
  return hit && hit.similarity >= deps.tuning.labelThreshold ? { uid: hit.uid, name: hit.name } : undefined;
}

/**
 * A label's vector is the normalized mean of its name's embedding and the facts explicitly
 * filed under it, as in SQLite, so later unlabeled facts about the same things find it.
 */
async function foldIntoLabel(
  client: pg.PoolClient,
  deps: PgEncodeDeps,
  labelUid: string,
  factVector: Float32Array,
  now: number,
): Promise<void> {
  const row = await client.query<{ embedding: string | null; vector_count: number }>(
    named(client, 'SELECT embedding::text AS embedding, vector_count FROM labels WHERE uid = $1', [labelUid]),
  );
  const current = row.rows[0]?.embedding ? fromPgVector(row.rows[0].embedding) : null;
  let next = factVector;
  let count = 1;
  if (current) {
    const n = Math.max(1, row.rows[0]!.vector_count);
    const sum = new Float32Array(current.length);
    for (let i = 0; i < sum.length; i++) sum[i] = current[i]! * n + factVector[i]!;
    next = normalize(sum);
    count = n + 1;
  }
  await client.query(
    named(
      client,
      `UPDATE labels SET embedding = $2::vector, vector_count = $3, updated_at = greatest(updated_at, $4::bigint),
              version = version + 1, origin_device = $5
        WHERE uid = $1`,
      [labelUid, toPgVector(next), count, now, deps.device],
    ),
  );
}
