import {
  DEFAULT_CATEGORY,
  DEFAULT_CONFIDENCE,
  EncodeInput,
  LIMITS,
  parseInput,
  timestampToMs,
  type EncodeResult,
} from '../../shared/contract';
import { HippoError } from '../../shared/errors';
import type { ExportedFact } from '../../shared/contract';
import type { NewFact } from './facts-repo';
import type { LabelRow } from './labels-repo';
import { timed, type MemoryContext } from './memory-context';
import { contentHash } from './normalize-content';
import { dot, normalize } from './vector';
import { embedFactTexts } from './passages';

/** An encode request after validation, ready for the pipeline. */
export interface EncodeItem {
  space: string;
  content: string;
  category?: string;
  label?: string;
  confidence?: number;
  source?: string;
  created_at?: number;
  /** Import only: kept as given for a lossless round trip. */
  updated_at?: number;
  deleted_at?: number;
  /** The current fact this one replaces (encode's `supersedes`). */
  supersedes?: number;
}

/**
 * The items of an encodeMany batch, every one checked first: one bad item rejects the whole batch
 * (naming its index) before anything is written. Both stores take batches through here.
 */
export function itemsFromBatch(inputs: unknown[], space: string): EncodeItem[] {
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw new HippoError('BAD_INPUT', 'facts: must be a non-empty array');
  if (inputs.length > LIMITS.encodeManyMax)
    throw new HippoError('BAD_INPUT', `facts: at most ${LIMITS.encodeManyMax} facts per batch`);
  return inputs.map((raw, i) => itemFromInput(parseInput(EncodeInput, raw, `facts[${i}]`), space));
}

export function itemFromInput(
  input: ExportedFact & { space?: string; supersedes?: number },
  defaultSpace: string,
): EncodeItem {
  return {
    ...(input.supersedes === undefined ? {} : { supersedes: input.supersedes }),
    space: input.space ?? defaultSpace,
    content: input.content,
    category: input.category,
    label: input.label,
    confidence: input.confidence,
    source: input.source,
    created_at: input.created_at === undefined ? undefined : timestampToMs(input.created_at),
    updated_at: input.updated_at === undefined ? undefined : timestampToMs(input.updated_at),
    deleted_at: input.deleted_at === undefined ? undefined : timestampToMs(input.deleted_at),
  };
}

/** How many texts go to the embedder at a time while the previous group's neighbours are searched. */
const EMBED_GROUP = 64;

/** The closest live fact of the same space and category, as found before the transaction. */
interface NearCandidate {
  id: number;
  similarity: number;
}

/**
 * Encodes a batch in one transaction: duplicates inside the batch collapse onto the first,
 * exact duplicates (same normalized content in the space) only refresh the existing fact,
 * near-duplicates (cosine >= mergeThreshold, same category) merge into it keeping the older
 * wording as history, and every other item becomes a new fact with its label resolved.
 *
 * Embedding (in the worker process) and the near-duplicate search (a full vector scan on this
 * thread) are pipelined: while the worker embeds one group of texts, the previous group's
 * nearest stored facts are looked up. Inside the transaction each item is then compared with
 * that candidate and with what was written since the search began (this batch's own rows and
 * anything a concurrent call inserted), so the result is as if every item had searched there.
 */
export async function encodeItems(ctx: MemoryContext, items: EncodeItem[]): Promise<EncodeResult[]> {
  return writeEncoded(ctx, await prepareEncode(ctx, items, await ctx.activeModel()));
}

/** A batch whose vectors and near-duplicate candidates are known, ready for its transaction. */
export interface PreparedEncode {
  items: EncodeItem[];
  hashes: string[];
  firstOfHash: Map<string, number>;
  model: string | null;
  vectors: Map<string, Float32Array>;
  nearBefore: Map<number, NearCandidate | null>;
  /** Facts above this id were written after the near-duplicate search began. */
  searchedUpTo: number;
}

/**
 * Embeds a batch and finds each item's nearest stored fact. Everything up to handing the texts
 * to the embedder runs synchronously inside this call, so a caller can start the next batch and
 * then write the previous one while the worker computes (see importInChunks). The id bound of the
 * near-duplicate search is read when the first vectors are back, after any such write.
 */
export async function prepareEncode(
  ctx: MemoryContext,
  items: EncodeItem[],
  model: string | null,
): Promise<PreparedEncode> {
  const { facts, labels } = ctx;
  // A bad `supersedes` fails before anything is embedded; checked again inside the write.
  items.forEach((it, i) =>
    checkSupersedes(ctx, it, items.length > 1 ? `facts[${i}].supersedes` : 'supersedes'),
  );
  const hashes = items.map((it) => contentHash(it.content));
  const firstOfHash = new Map<string, number>();
  items.forEach((it, i) => {
    const key = `${it.space}\n${hashes[i]}`;
    if (!firstOfHash.has(key)) firstOfHash.set(key, i);
  });

  const vectors = new Map<string, Float32Array>();
  const nearBefore = new Map<number, NearCandidate | null>();
  let searchedUpTo: number | null = null;
  if (model && ctx.embedder) {
    const embedder = ctx.embedder;
    const itemsOfText = new Map<string, number[]>();
    const texts = new Set<string>();
    items.forEach((it, i) => {
      if (firstOfHash.get(`${it.space}\n${hashes[i]}`) !== i) return;
      // An exact duplicate needs no vector; re-checked inside the transaction.
      if (!it.deleted_at && facts.findLiveByHash(it.space, hashes[i]!)) return;
      texts.add(it.content);
      if (!it.deleted_at) itemsOfText.set(it.content, [...(itemsOfText.get(it.content) ?? []), i]);
      if (it.label && !labels.findByName(it.space, it.label)) texts.add(it.label);
    });
    // Similar lengths share a group, so the worker pads little.
    const sorted = [...texts].sort((a, b) => a.length - b.length);
    const groups: string[][] = [];
    for (let i = 0; i < sorted.length; i += EMBED_GROUP) groups.push(sorted.slice(i, i + EMBED_GROUP));
    const pending = groups.map(() => null as Promise<Float32Array[]> | null);
    const start = (g: number) => {
      if (g < groups.length && !pending[g]) pending[g] = embedFactTexts(embedder, groups[g]!);
    };
    start(0);
    start(1);
    try {
      for (let g = 0; g < groups.length; g++) {
        const out = await pending[g]!;
        searchedUpTo ??= facts.maxId();
        start(g + 2);
        groups[g]!.forEach((text, j) => {
          vectors.set(text, out[j]!);
          for (const i of itemsOfText.get(text) ?? []) {
            const category = items[i]!.category ?? DEFAULT_CATEGORY;
            const hit = timed(ctx, 'encode_knn', () =>
              facts.nearest(items[i]!.space, out[j]!, 1, { category }),
            )[0];
            nearBefore.set(i, hit ? { id: hit.id, similarity: 1 - hit.rank } : null);
          }
        });
      }
    } finally {
      // Nothing left unobserved if a group failed part-way.
      for (const p of pending) p?.catch(() => undefined);
    }
  }
  return {
    items,
    hashes,
    firstOfHash,
    model,
    vectors,
    nearBefore,
    searchedUpTo: searchedUpTo ?? facts.maxId(),
  };
}

/** Writes a prepared batch in one transaction (see encodeItems). */
export function writeEncoded(ctx: MemoryContext, prepared: PreparedEncode): EncodeResult[] {
  const { facts, labels, tuning } = ctx;
  const { items, hashes, firstOfHash, model, vectors, nearBefore, searchedUpTo } = prepared;
  const now = ctx.now();
  const results: EncodeResult[] = new Array(items.length);

  const write = ctx.db.transaction(() => {
    // Vectors this batch wrote, for the near-duplicate checks of its later items.
    const written = new Map<number, WrittenVector>();
    const labelCache = new Map<number, LabelRow>();
    const labelName = (id: number | null): string | null => {
      if (id === null) return null;
      let l = labelCache.get(id);
      if (!l) {
        l = labels.get(id);
        if (l) labelCache.set(id, l);
      }
      return l?.name ?? null;
    };

    items.forEach((it, i) => {
      const hash = hashes[i]!;
      const first = firstOfHash.get(`${it.space}\n${hash}`)!;
      if (first !== i) {
        const r = results[first]!;
        const confidence = it.confidence ?? DEFAULT_CONFIDENCE;
        const f = facts.get(it.space, r.id);
        if (f && confidence > f.confidence) facts.update(r.id, { confidence });
        if (it.supersedes !== undefined) {
          checkSupersedes(ctx, it, `facts[${i}].supersedes`);
          if (it.supersedes === r.id)
            throw new HippoError('BAD_INPUT', `facts[${i}].supersedes: fact ${r.id} already says this`);
          facts.supersede(it.supersedes, r.id, now);
        }
        results[i] = {
          id: r.id,
          status: 'duplicate',
          label: r.label,
          ...(it.supersedes === undefined ? {} : { supersedes: it.supersedes }),
        };
        return;
      }
      const category = it.category ?? DEFAULT_CATEGORY;
      const confidence = it.confidence ?? DEFAULT_CONFIDENCE;
      const created = it.created_at ?? now;
      const updated = it.updated_at ?? Math.max(now, created);
      const where = items.length > 1 ? `facts[${i}].supersedes` : 'supersedes';
      checkSupersedes(ctx, it, where);
      const superseded = it.supersedes === undefined ? {} : { supersedes: it.supersedes };

      if (!it.deleted_at) {
        const existing = facts.findLiveByHash(it.space, hash);
        if (existing) {
          if (it.supersedes === existing.id)
            throw new HippoError(
              'BAD_INPUT',
              `${where}: fact ${existing.id} already says this; there is nothing to replace`,
            );
          facts.update(existing.id, {
            confidence: Math.max(existing.confidence, confidence),
            updated_at: Math.max(existing.updated_at, updated),
          });
          // The new wording is already stored: the replaced fact is superseded by that one.
          if (it.supersedes !== undefined) facts.supersede(it.supersedes, existing.id, now);
          results[i] = {
            id: existing.id,
            status: 'duplicate',
            label: labelName(existing.label_id),
            ...superseded,
          };
          return;
        }
      }

      const vector = vectors.get(it.content);
      const label = resolveLabel(ctx, it, category, vector, vectors.get(it.label ?? ''));

      // An explicit replacement is a new fact, never merged into a near one (the replaced fact,
      // usually the nearest, must stay as it was).
      if (vector && model && !it.deleted_at && it.supersedes === undefined) {
        const near = nearestLive(
          ctx,
          it.space,
          category,
          vector,
          nearBefore.get(i) ?? null,
          searchedUpTo,
          written,
        );
        if (near && near.similarity >= tuning.mergeThreshold) {
          const old = facts.get(it.space, near.id)!;
          // Keep the older wording as history (superseded) so a merge can be undone.
          const wording = facts.insert({
            space: old.space,
            content: old.content,
            content_hash: old.content_hash,
            category: old.category,
            confidence: old.confidence,
            label_id: old.label_id,
            source: old.source,
            created_at: old.created_at,
            updated_at: old.updated_at,
            deleted_at: null,
            superseded_by: old.id,
          });
          facts.update(wording, { superseded_at: now });
          const labelId = it.label ? (label?.id ?? null) : old.label_id;
          facts.update(old.id, {
            content: it.content,
            content_hash: hash,
            confidence: Math.max(old.confidence, confidence),
            updated_at: Math.max(old.updated_at, updated),
            source: it.source ?? old.source,
            label_id: labelId,
          });
          facts.setEmbedding(old.id, vector, model);
          written.set(old.id, { space: old.space, category: old.category, vector });
          results[i] = { id: old.id, status: 'merged', label: labelName(labelId) };
          return;
        }
      }

      const row: NewFact = {
        space: it.space,
        content: it.content,
        content_hash: hash,
        category,
        confidence,
        label_id: label?.id ?? null,
        source: it.source ?? null,
        created_at: created,
        updated_at: updated,
        deleted_at: it.deleted_at ?? null,
        superseded_by: null,
      };
      const id = vector && model ? facts.insertEmbedded(row, vector, model) : facts.insert(row);
      if (vector && model) {
        if (!it.deleted_at) written.set(id, { space: it.space, category, vector });
        if (label && it.label) foldIntoLabel(ctx, label, vector);
      }
      if (it.supersedes !== undefined) facts.supersede(it.supersedes, id, now);
      results[i] = { id, status: 'created', label: label?.name ?? null, ...superseded };
    });
  });
  timed(ctx, 'encode_write', () => write());
  facts.pruneChanges();
  return results;
}

/**
 * `supersedes` must name a current fact of the item's space: unknown, purged, of another space or
 * an earlier wording is NOT_FOUND; forgotten or already superseded is BAD_INPUT.
 */
export function checkSupersedes(ctx: Pick<MemoryContext, 'facts'>, it: EncodeItem, where: string): void {
  if (it.supersedes === undefined) return;
  if (it.deleted_at !== undefined)
    throw new HippoError('BAD_INPUT', `${where}: a forgotten fact cannot supersede another`);
  const old = ctx.facts.get(it.space, it.supersedes);
  if (!old || old.supersede_reason === 'edited')
    throw new HippoError('NOT_FOUND', `${where}: no fact with id ${it.supersedes} in space "${it.space}"`);
  if (old.superseded_by !== null)
    throw new HippoError(
      'BAD_INPUT',
      `${where}: fact ${old.id} was already superseded by fact ${old.superseded_by}`,
    );
  if (old.deleted_at !== null)
    throw new HippoError('BAD_INPUT', `${where}: fact ${old.id} is forgotten; restore it first`);
}

interface WrittenVector {
  space: string;
  category: string;
  vector: Float32Array;
}

/**
 * The most similar live fact of the space and category: the candidate searched before the
 * transaction (if it is still live and unchanged), this batch's own writes, and facts other
 * calls inserted since the search began.
 */
function nearestLive(
  ctx: MemoryContext,
  space: string,
  category: string,
  vector: Float32Array,
  before: NearCandidate | null,
  searchedUpTo: number,
  written: Map<number, WrittenVector>,
): NearCandidate | null {
  let best: NearCandidate | null = null;
  const consider = (id: number, v: Float32Array) => {
    const similarity = dot(vector, v);
    if (!best || similarity > best.similarity) best = { id, similarity };
  };
  if (before && !written.has(before.id)) {
    const row = ctx.facts.get(space, before.id);
    if (row && row.deleted_at === null && row.superseded_by === null && row.category === category)
      best = { ...before };
  }
  for (const [id, w] of written) if (w.space === space && w.category === category) consider(id, w.vector);
  for (const id of ctx.facts.liveIdsAfter(space, category, searchedUpTo)) {
    if (written.has(id)) continue;
    const v = ctx.facts.getEmbedding(id);
    if (v) consider(id, v);
  }
  return best;
}

/** An explicit label is found or created; otherwise the nearest label close enough, or none. */
function resolveLabel(
  ctx: MemoryContext,
  it: EncodeItem,
  category: string,
  vector: Float32Array | undefined,
  nameVector: Float32Array | undefined,
): LabelRow | undefined {
  const { labels, tuning } = ctx;
  if (it.label) {
    const found = labels.findByName(it.space, it.label);
    if (found) return found;
    const created = labels.create(it.space, it.label, 'topic', category);
    if (nameVector) labels.setVector(created.id, created.space, nameVector, 1);
    return labels.get(created.id);
  }
  if (!vector) return undefined;
  const near = labels.nearest(it.space, vector);
  return near && near.similarity >= tuning.labelThreshold ? near.label : undefined;
}

/**
 * A label's vector is the normalized mean of its name's embedding and the facts explicitly
 * filed under it, so later unlabeled facts about the same things find it.
 */
function foldIntoLabel(ctx: MemoryContext, label: LabelRow, factVector: Float32Array): void {
  const current = ctx.labels.getVector(label.id);
  const fresh = ctx.labels.get(label.id)!;
  if (!current) {
    ctx.labels.setVector(label.id, label.space, factVector, 1);
    return;
  }
  const n = Math.max(1, fresh.vector_count);
  const sum = new Float32Array(current.length);
  for (let i = 0; i < sum.length; i++) sum[i] = current[i]! * n + factVector[i]!;
  ctx.labels.setVector(label.id, label.space, normalize(sum), n + 1);
}
