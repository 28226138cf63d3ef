/**
 * Facts and labels as they travel between a device and Postgres: keyed by uid, references by
 * uid, times in epoch ms, vectors as Float32Array. Both sides convert to and from these.
 */

import type { LabelVersionRow } from '../memory/labels-repo';

export interface SyncFact {
  uid: string;
  space: string;
  content: string;
  content_hash: string;
  category: string;
  confidence: number;
  label_uid: string | null;
  source: string | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  superseded_by: string | null;
  /** When and why it stopped being current (SQLite migration 0005, Postgres 0006); null while current. */
  superseded_at: number | null;
  supersede_reason: 'edited' | 'superseded' | null;
  embedding: Float32Array | null;
  embedded_model: string | null;
  version: number;
  origin_device: string;
}

export interface SyncLabel {
  uid: string;
  space: string;
  name: string;
  kind: string;
  category: string | null;
  embedding: Float32Array | null;
  vector_count: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  version: number;
  origin_device: string;
}

/**
 * An earlier state of a label (label_versions): written once under its own uid, never changed,
 * so it travels by uid and a second push or pull of it adds nothing.
 */
export type SyncLabelVersion = Omit<LabelVersionRow, 'id'>;

/** A row as Postgres holds it, with the change_seq its last write took. */
export type RemoteFact = SyncFact & { change_seq: number };
export type RemoteLabel = SyncLabel & { change_seq: number };
export type RemoteLabelVersion = SyncLabelVersion & { change_seq: number };

/**
 * A purged fact travels as this tombstone: the row stays in Postgres (a puller must see that it
 * changed) but holds nothing of what was purged; every device that pulls it purges its copy.
 */
export const PURGED_HASH = 'purged';

export function isPurged(f: Pick<SyncFact, 'content_hash'>): boolean {
  return f.content_hash === PURGED_HASH;
}

/** pgvector's text form; float32 values print exactly enough to read back the same float32. */
export function vectorToPg(v: Float32Array | null): string | null {
  return v ? `[${Array.from(v).join(',')}]` : null;
}

export function vectorFromPg(text: string | null): Float32Array | null {
  if (text === null || text === undefined) return null;
  return Float32Array.from(text.slice(1, -1).split(','), Number);
}

const FACT_COLUMNS = `uid::text AS uid, space, content, content_hash, category, confidence, label_uid::text AS label_uid,
  source, created_at, updated_at, deleted_at, superseded_by::text AS superseded_by, superseded_at, supersede_reason,
  embedding::text AS embedding,
  embedded_model, version, origin_device, change_seq`;
const LABEL_COLUMNS = `uid::text AS uid, space, name, kind, category, embedding::text AS embedding, vector_count,
  created_at, updated_at, deleted_at, version, origin_device, change_seq`;

const LABEL_VERSION_COLUMNS = `uid::text AS uid, label_uid::text AS label_uid, space, name, kind, category, version,
  updated_at, origin_device, superseded_at, reason, merged_into::text AS merged_into, change_seq`;

export const SELECT_FACTS = `SELECT ${FACT_COLUMNS} FROM facts`;
export const SELECT_LABELS = `SELECT ${LABEL_COLUMNS} FROM labels`;
export const SELECT_LABEL_VERSIONS = `SELECT ${LABEL_VERSION_COLUMNS} FROM label_versions`;

type Raw = Record<string, unknown>;
// pg returns bigint as text: epoch ms and sequence numbers fit a double exactly.
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function factFromPg(r: Raw): RemoteFact {
  return {
    uid: r.uid as string,
    space: r.space as string,
    content: r.content as string,
    content_hash: r.content_hash as string,
    category: r.category as string,
    confidence: num(r.confidence),
    label_uid: (r.label_uid as string | null) ?? null,
    source: (r.source as string | null) ?? null,
    created_at: num(r.created_at),
    updated_at: num(r.updated_at),
    deleted_at: numOrNull(r.deleted_at),
    superseded_by: (r.superseded_by as string | null) ?? null,
    superseded_at: numOrNull(r.superseded_at),
    supersede_reason: (r.supersede_reason as SyncFact['supersede_reason']) ?? null,
    embedding: vectorFromPg(r.embedding as string | null),
    embedded_model: (r.embedded_model as string | null) ?? null,
    version: num(r.version),
    origin_device: r.origin_device as string,
    change_seq: num(r.change_seq),
  };
}

export function labelFromPg(r: Raw): RemoteLabel {
  return {
    uid: r.uid as string,
    space: r.space as string,
    name: r.name as string,
    kind: r.kind as string,
    category: (r.category as string | null) ?? null,
    embedding: vectorFromPg(r.embedding as string | null),
    vector_count: num(r.vector_count),
    created_at: num(r.created_at),
    updated_at: num(r.updated_at),
    deleted_at: numOrNull(r.deleted_at),
    version: num(r.version),
    origin_device: r.origin_device as string,
    change_seq: num(r.change_seq),
  };
}

export function labelVersionFromPg(r: Raw): RemoteLabelVersion {
  return {
    uid: r.uid as string,
    label_uid: r.label_uid as string,
    space: r.space as string,
    name: r.name as string,
    kind: r.kind as string,
    category: (r.category as string | null) ?? null,
    version: num(r.version),
    updated_at: num(r.updated_at),
    origin_device: r.origin_device as string,
    superseded_at: num(r.superseded_at),
    reason: r.reason as SyncLabelVersion['reason'],
    merged_into: (r.merged_into as string | null) ?? null,
    change_seq: num(r.change_seq),
  };
}
