/**
 * What re-importing a notes folder changes, worked out before anything is written: the folder's
 * paragraphs against the live facts an earlier import of the same folder left (those whose source
 * starts with `vault:<name>/`). Pure, so every case is a unit test.
 */
import { contentHash } from '../main/memory/normalize-content';
import { LIMITS } from '../shared/contract';

/** One paragraph or list item of a note, where it is, and the time its fact is created at. */
export interface VaultBlock {
  /** The note's path inside the folder, with forward slashes. */
  file: string;
  source: string;
  content: string;
  created_at: number;
}

/** A fact an earlier import of this folder made, as it is now. */
export interface VaultFact {
  id: number;
  content: string;
  content_hash: string;
  source: string;
}

export interface VaultPlan {
  /** Paragraphs already stored as they are. */
  unchanged: number;
  /** Facts whose paragraph moved (to another heading or note): only the source changes. */
  moved: Array<{ id: number; source: string }>;
  /** Facts whose paragraph was edited in place (same note and heading): the new wording. */
  edited: Array<{ id: number; content: string }>;
  /** New paragraphs, to import (which may still find them duplicate of, or merge into, other facts). */
  create: VaultBlock[];
  /** Facts whose paragraph is gone from the folder: forgotten (undoable). */
  forget: number[];
}

/** The prefix of every source an import of the folder named `name` writes. */
export const vaultPrefix = (name: string): string => `vault:${name}/`;

/** `vault:<name>/<file>#<heading>`, or without `#<heading>` before a note's first heading. */
export function blockSource(name: string, file: string, heading: string | null): string {
  const source = `${vaultPrefix(name)}${file}${heading ? `#${heading}` : ''}`;
  return source.length <= LIMITS.sourceMaxChars ? source : source.slice(0, LIMITS.sourceMaxChars);
}

/**
 * Matches paragraphs to facts: first by content (the same wording anywhere in the folder is the
 * same fact, preferring one with the same source, so a moved paragraph keeps its fact and history),
 * then what is left under the same note and heading by the words they share (at least
 * EDIT_MIN_OVERLAP of them, best pairs first: an edit). Paragraphs still unmatched are created; facts still
 * unmatched are forgotten.
 */
export function planVaultImport(blocks: readonly VaultBlock[], facts: readonly VaultFact[]): VaultPlan {
  const plan: VaultPlan = { unchanged: 0, moved: [], edited: [], create: [], forget: [] };
  const used = new Set<number>();
  const byHash = new Map<string, VaultFact[]>();
  for (const f of facts) byHash.set(f.content_hash, [...(byHash.get(f.content_hash) ?? []), f]);
  const hashes = blocks.map((b) => contentHash(b.content));
  // Wordings a fact already has after this plan: a second equal paragraph must not become a twin.
  const taken = new Set<string>();
  const pending: number[] = [];

  blocks.forEach((b, i) => {
    const free = (byHash.get(hashes[i]!) ?? []).filter((f) => !used.has(f.id));
    const fact =
      free.find((f) => f.source === b.source) ?? free.find((f) => fileOf(f.source) === b.file) ?? free[0];
    if (!fact) {
      pending.push(i);
      return;
    }
    used.add(fact.id);
    taken.add(hashes[i]!);
    if (fact.source === b.source) plan.unchanged++;
    else plan.moved.push({ id: fact.id, source: b.source });
  });

  // Under each heading, the changed paragraphs and the unmatched facts pair up best first by the
  // words they share; a pair sharing too few is a rewrite, not an edit (forget and create).
  const bySource = new Map<string, { blocks: number[]; facts: VaultFact[] }>();
  const group = (source: string) => {
    let g = bySource.get(source);
    if (!g) bySource.set(source, (g = { blocks: [], facts: [] }));
    return g;
  };
  for (const i of pending) group(blocks[i]!.source).blocks.push(i);
  for (const f of facts) if (!used.has(f.id) && bySource.has(f.source)) group(f.source).facts.push(f);
  const editOf = new Map<number, VaultFact>();
  for (const g of bySource.values()) {
    const pairs: Array<{ i: number; fact: VaultFact; score: number }> = [];
    for (const i of g.blocks)
      for (const fact of g.facts)
        pairs.push({ i, fact, score: wordOverlap(blocks[i]!.content, fact.content) });
    pairs.sort((a, b) => b.score - a.score || a.i - b.i || a.fact.id - b.fact.id);
    for (const { i, fact, score } of pairs) {
      if (score < EDIT_MIN_OVERLAP) break;
      if (editOf.has(i) || used.has(fact.id) || taken.has(hashes[i]!)) continue;
      used.add(fact.id);
      taken.add(hashes[i]!);
      editOf.set(i, fact);
    }
  }
  for (const i of pending) {
    const fact = editOf.get(i);
    if (fact) plan.edited.push({ id: fact.id, content: blocks[i]!.content });
    else plan.create.push(blocks[i]!);
  }
  for (const f of facts) if (!used.has(f.id)) plan.forget.push(f.id);
  return plan;
}

/** Share of words two wordings have in common (Jaccard) at which one is an edit of the other. */
export const EDIT_MIN_OVERLAP = 0.3;

function wordOverlap(a: string, b: string): number {
  const words = (s: string) => new Set(s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  const x = words(a);
  const y = words(b);
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  const all = x.size + y.size - shared;
  return all === 0 ? 0 : shared / all;
}

/** The note a vault source names: `vault:<name>/<file>#<heading>` → `<file>` (null for other sources). */
export function fileOf(source: string): string | null {
  const m = /^vault:[^/]*\/(.*?\.(?:md|markdown))(?:#|$)/i.exec(source);
  return m ? m[1]! : null;
}
