import type { SyncFact, SyncLabel } from './sync-rows';

/**
 * When a row changed: its edit time, or its deletion when later (forgetting a fact sets
 * deleted_at and leaves updated_at as it was; a restore sets updated_at).
 */
export function changedAt(row: { updated_at: number; deleted_at: number | null }): number {
  return Math.max(row.updated_at, row.deleted_at ?? 0);
}

/**
 * Last writer wins: the later change, then the higher version, then the greater origin device
 * id. Every device compares the same three values, so all pick the same winner.
 * Returns true when `a` wins over `b`.
 */
export function wins(
  a: { updated_at: number; deleted_at: number | null; version: number; origin_device: string },
  b: { updated_at: number; deleted_at: number | null; version: number; origin_device: string },
): boolean {
  const ta = changedAt(a);
  const tb = changedAt(b);
  if (ta !== tb) return ta > tb;
  if (a.version !== b.version) return a.version > b.version;
  return a.origin_device > b.origin_device;
}

/** Postgres keeps confidence as a 4-byte real: compare at that precision. */
const sameReal = (a: number, b: number) => Math.fround(a) === Math.fround(b);

/**
 * What a person sees of a fact: when these are equal the two rows say the same thing, whatever
 * their versions, and a loser with these equal to the winner's needs no history copy.
 */
export function sameFactContent(a: SyncFact, b: SyncFact): boolean {
  return (
    a.space === b.space &&
    a.content === b.content &&
    a.category === b.category &&
    sameReal(a.confidence, b.confidence) &&
    a.label_uid === b.label_uid &&
    a.source === b.source &&
    a.created_at === b.created_at &&
    (a.deleted_at === null) === (b.deleted_at === null) &&
    a.superseded_by === b.superseded_by &&
    a.supersede_reason === b.supersede_reason
  );
}

/** Every synced value equal: writing one over the other would change nothing. */
export function sameFact(a: SyncFact, b: SyncFact): boolean {
  return (
    sameFactContent(a, b) &&
    a.content_hash === b.content_hash &&
    a.updated_at === b.updated_at &&
    a.deleted_at === b.deleted_at &&
    a.superseded_at === b.superseded_at &&
    a.embedded_model === b.embedded_model &&
    (a.embedded_model === null || a.embedding !== null) ===
      (b.embedded_model === null || b.embedding !== null)
  );
}

/** What a person sees of a label: a loser equal to the winner in these needs no history row. */
export function sameLabelContent(a: SyncLabel, b: SyncLabel): boolean {
  return a.space === b.space && a.name === b.name && a.kind === b.kind && a.category === b.category;
}

export function sameLabel(a: SyncLabel, b: SyncLabel): boolean {
  return (
    a.space === b.space &&
    a.name === b.name &&
    a.kind === b.kind &&
    a.category === b.category &&
    a.vector_count === b.vector_count &&
    a.created_at === b.created_at &&
    a.updated_at === b.updated_at &&
    a.deleted_at === b.deleted_at &&
    (a.embedding === null) === (b.embedding === null)
  );
}

/**
 * The vector the resolved row keeps: the winner's, or else the loser's when it embeds the same
 * words with a model, so no device embeds again what another already did.
 */
export function keptEmbedding(
  winner: SyncFact,
  loser: SyncFact,
): Pick<SyncFact, 'embedding' | 'embedded_model'> {
  if (winner.embedding && winner.embedded_model)
    return { embedding: winner.embedding, embedded_model: winner.embedded_model };
  if (loser.embedding && loser.embedded_model && loser.content === winner.content)
    return { embedding: loser.embedding, embedded_model: loser.embedded_model };
  return { embedding: null, embedded_model: null };
}
