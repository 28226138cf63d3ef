import type { ExportedFact, Fact, Label, LabelVersion } from '../../shared/contract';
import { HippoError } from '../../shared/errors';

/**
 * Stored rows as the contract shows them, for both stores: SQLite gives times and counts as
 * numbers, Postgres's bigints arrive as numeric strings. One mapping, so the two stores answer
 * with the same shapes.
 */
type Int = number | string;

/** Epoch milliseconds as an ISO string. */
export const iso = (ms: Int | null): string | null =>
  ms === null ? null : new Date(Number(ms)).toISOString();

export interface StoredFact {
  id: Int;
  space: string;
  content: string;
  category: string;
  confidence: number;
  label_name: string | null;
  source: string | null;
  created_at: Int;
  updated_at: Int;
  deleted_at: Int | null;
  /** Absent where a query does not read it (a current fact has none). */
  superseded_at?: Int | null;
  access_count: Int | null;
  last_accessed_at: Int | null;
}

export function factRecord(row: StoredFact, supersededBy: number | null): Fact {
  return {
    id: Number(row.id),
    space: row.space,
    content: row.content,
    category: row.category,
    confidence: row.confidence,
    label: row.label_name,
    source: row.source,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
    deleted_at: iso(row.deleted_at),
    superseded_by: supersededBy,
    superseded_at: iso(row.superseded_at ?? null),
    access_count: Number(row.access_count ?? 0),
    last_accessed_at: iso(row.last_accessed_at),
  };
}

/** A fact as `hippo export` writes it: optional fields only when set. */
export function exportedRecord(
  row: Pick<
    StoredFact,
    | 'content'
    | 'category'
    | 'confidence'
    | 'label_name'
    | 'source'
    | 'created_at'
    | 'updated_at'
    | 'deleted_at'
  >,
): ExportedFact {
  const rec: ExportedFact = {
    content: row.content,
    category: row.category,
    confidence: row.confidence,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
  if (row.label_name !== null) rec.label = row.label_name;
  if (row.source !== null) rec.source = row.source;
  if (row.deleted_at !== null) rec.deleted_at = iso(row.deleted_at)!;
  return rec;
}

export function labelRecord(row: {
  id: Int;
  name: string;
  kind: string;
  category: string | null;
  fact_count: Int;
  created_at: Int;
}): Label {
  return {
    id: Number(row.id),
    name: row.name,
    kind: row.kind,
    category: row.category,
    fact_count: Number(row.fact_count),
    created_at: iso(row.created_at)!,
  };
}

export function labelVersionRecord(row: {
  name: string;
  kind: string;
  category: string | null;
  reason: LabelVersion['reason'];
  updated_at: Int;
  superseded_at: Int;
  origin_device: string;
}): LabelVersion {
  return {
    name: row.name,
    kind: row.kind,
    category: row.category,
    reason: row.reason,
    updated_at: iso(row.updated_at)!,
    superseded_at: iso(row.superseded_at)!,
    origin_device: row.origin_device,
  };
}

/** mergeLabels' arguments, checked alike by both stores before anything is read. */
export function checkMergeIds(from: number, into: number): void {
  for (const [field, id] of [
    ['from', from],
    ['into', into],
  ] as const)
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new HippoError('BAD_INPUT', `${field}: must be a positive integer, got ${id}`);
  if (from === into) throw new HippoError('BAD_INPUT', `into: cannot merge label ${from} into itself`);
}
