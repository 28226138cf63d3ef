/**
 * A fact's history as both stores show it (Memory.history, PostgresStore.history): every version
 * of its supersede chain and their earlier wordings, each with when it was current and why it
 * stopped, newest first.
 */
import type { FactVersion } from '../../shared/contract';
import type { FactRow, FactsRepo } from './facts-repo';
import { factRecord, iso, type StoredFact } from './stored-records';

/** Longest chain walked: a fact replaced hundreds of times is shown by its latest versions. */
export const HISTORY_MAX_VERSIONS = 200;

type Int = number | string;

/** A stored row as history reads it, from either store. */
export interface VersionRow extends StoredFact {
  superseded_at: Int | null;
  supersede_reason: 'edited' | 'superseded' | null;
}

/**
 * One version: a chain member was current from its creation (or, when it was reworded, from its
 * latest rewording: `rewordedAt`) until it was superseded or forgotten; an earlier wording from
 * when it was last written until it was replaced.
 */
export function versionRecord(
  row: VersionRow,
  supersededBy: number | null,
  rewordedAt: Int | null = null,
): FactVersion {
  const fact = factRecord(row, supersededBy);
  if (row.supersede_reason === 'edited')
    return {
      ...fact,
      reason: 'edited',
      current_from: iso(row.updated_at)!,
      current_until: iso(row.superseded_at),
    };
  const reason =
    row.supersede_reason === 'superseded' ? 'superseded' : row.deleted_at !== null ? 'forgotten' : null;
  const until = row.supersede_reason === 'superseded' ? row.superseded_at : row.deleted_at;
  return { ...fact, reason, current_from: iso(rewordedAt) ?? fact.created_at, current_until: iso(until) };
}

/** Newest first: by when each became current, then by id. */
export function newestFirst(a: FactVersion, b: FactVersion): number {
  return Date.parse(b.current_from) - Date.parse(a.current_from) || b.id - a.id;
}

/** SQLite: the chain through `row` (a fact, not an earlier wording), with every version's wordings. */
export function factVersions(facts: FactsRepo, row: FactRow): FactVersion[] {
  const chain = new Map<number, FactRow>([[row.id, row]]);
  const queue = [row];
  while (queue.length > 0 && chain.size < HISTORY_MAX_VERSIONS) {
    const f = queue.shift()!;
    const next =
      f.supersede_reason === 'superseded' && f.superseded_by !== null
        ? facts.get(f.space, f.superseded_by)
        : undefined;
    for (const other of [...(next ? [next] : []), ...facts.supersededBy(f.id)]) {
      if (chain.has(other.id)) continue;
      chain.set(other.id, other);
      queue.push(other);
    }
  }
  const labelName = (id: number | null) => (id === null ? null : (facts.labelName(id) ?? null));
  const out: FactVersion[] = [];
  for (const f of chain.values()) {
    const wordings = facts.history(f.id);
    const reworded = wordings.reduce<number | null>((t, w) => Math.max(t ?? 0, w.superseded_at ?? 0), null);
    out.push(versionRecord({ ...f, label_name: labelName(f.label_id) }, f.superseded_by, reworded));
    for (const w of wordings)
      out.push(versionRecord({ ...w, label_name: labelName(w.label_id) }, w.superseded_by));
  }
  return out.sort(newestFirst);
}
