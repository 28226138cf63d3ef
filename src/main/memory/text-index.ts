import { firstLetter, type VocabularyTerm } from './word-expansion';
import { FactColumns, type ColumnFilters, type FactColumnValues } from './fact-columns';
import { kthLargest } from './kth-largest';

/**
 * An in-memory inverted index over the same tokens as facts_fts, ranking by the same BM25 as
 * FTS5's bm25() (k1 = 1.2, b = 0.75, idf = ln((N - n + 0.5) / (n + 0.5)) floored at 1e-6, every
 * document of the FTS table counted in N and the mean length). Like FTS5 it holds every fact,
 * live or not, and applies the filters while scoring. An OR query over common words touches a
 * few thousand postings here in well under a millisecond, where FTS5 walks its doclists and
 * reads each hit's size from disk.
 *
 * Pure data structure: LiveText keeps it equal to facts_fts, with FTS5 doing the tokenizing.
 */

/** What the filters read of a fact. */
export interface TextDocMeta extends FactColumnValues {
  id: number;
  live: boolean;
}

export interface TextDoc extends TextDocMeta {
  /** Distinct terms of the content and how often each occurs (the sum is FTS5's document size). */
  terms: Map<string, number>;
}

/** Filters applied while scoring. */
export type TextFilters = ColumnFilters;

export interface TextHit {
  id: number;
  /** FTS5's bm25(): the negated score, lower is better. */
  rank: number;
}

const K1 = 1.2;
const B = 0.75;

/** FTS5's idf: ln((N - n + 0.5) / (n + 0.5)), floored at 1e-6 for terms in over half the documents. */
export function bm25Idf(documents: number, holding: number): number {
  const idf = Math.log((documents - holding + 0.5) / (holding + 0.5));
  return idf <= 0 ? 1e-6 : idf;
}

class PostingList {
  slots = new Int32Array(4);
  counts = new Uint32Array(4);
  length = 0;

  add(slot: number, count: number): void {
    if (this.length === this.slots.length) {
      const slots = new Int32Array(this.length * 2);
      slots.set(this.slots);
      this.slots = slots;
      const counts = new Uint32Array(this.length * 2);
      counts.set(this.counts);
      this.counts = counts;
    }
    this.slots[this.length] = slot;
    this.counts[this.length] = count;
    this.length++;
  }

  /** Room for `n` entries in all, allocated once (a load knows a term's occurrences). */
  reserve(n: number): void {
    if (n <= this.slots.length) return;
    const slots = new Int32Array(n);
    slots.set(this.slots.subarray(0, this.length));
    this.slots = slots;
    const counts = new Uint32Array(n);
    counts.set(this.counts.subarray(0, this.length));
    this.counts = counts;
  }

  /** Frees room well beyond the entries (after a load: a list gains little afterwards). */
  trim(): void {
    if (this.slots.length - this.length <= this.length / 8) return;
    this.slots = this.slots.slice(0, Math.max(1, this.length));
    this.counts = this.counts.slice(0, Math.max(1, this.length));
  }

  remove(slot: number): void {
    for (let i = 0; i < this.length; i++) {
      if (this.slots[i] !== slot) continue;
      const last = --this.length;
      this.slots[i] = this.slots[last]!;
      this.counts[i] = this.counts[last]!;
      return;
    }
  }
}

export class TextIndex {
  private readonly termIds = new Map<string, number>();
  /** Terms by their first letter (code point), for expanding unknown query words. */
  private readonly termsByLetter = new Map<string, string[]>();
  private readonly postings: PostingList[] = [];
  private readonly slotOf = new Map<number, number>();
  private readonly freeSlots: number[] = [];
  private capacity = 0;
  private used = 0;
  private docCount = 0;
  private totalLength = 0;
  private ids = new Float64Array(0);
  private lengths = new Uint32Array(0);
  private lives = new Uint8Array(0);
  private readonly columns = new FactColumns();
  /**
   * The term ids of each slot's document, for remove(): a JS array for documents added since the
   * last compact(), null for those packed into packedTerms at [packedStart, packedEnd).
   */
  private docTerms: (number[] | null)[] = [];
  private packedTerms = new Int32Array(0);
  private packedStart = new Int32Array(0);
  private packedEnd = new Int32Array(0);
  private scores = new Float64Array(0);
  private stamps = new Uint32Array(0);
  private stamp = 0;
  /** Scratch of a search: the slots it scored, and their scores for the top-k cut. */
  private touched = new Int32Array(0);
  private cut = new Float64Array(0);

  /** Documents held (live or not): FTS5's row count. */
  get size(): number {
    return this.docCount;
  }

  has(id: number): boolean {
    return this.slotOf.has(id);
  }

  /** The terms some document holds that start with this letter, and how many documents hold each. */
  *termsStartingWith(letter: string): Generator<VocabularyTerm> {
    for (const term of this.termsByLetter.get(letter) ?? []) {
      const df = this.postings[this.termIds.get(term)!]!.length;
      if (df > 0) yield { term, df };
    }
  }

  /** BM25's idf of a term as search() weighs it (0 for a term no document holds). */
  idf(term: string): number {
    const termId = this.termIds.get(term);
    const df = termId === undefined ? 0 : this.postings[termId]!.length;
    return df === 0 ? 0 : bm25Idf(this.docCount, df);
  }

  /** Adds the document, or replaces the one stored under the same id. */
  upsert(doc: TextDoc): void {
    this.addDocument(doc);
    for (const [term, count] of doc.terms) this.addTerm(doc.id, term, count);
  }

  /** Starts a document with no terms yet (replacing any under the same id); addTerm fills it. */
  addDocument(doc: TextDocMeta): void {
    this.remove(doc.id);
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.used === this.capacity) this.grow(Math.max(1024, this.capacity * 2));
      slot = this.used++;
    }
    this.slotOf.set(doc.id, slot);
    this.ids[slot] = doc.id;
    this.lengths[slot] = 0;
    this.lives[slot] = doc.live ? 1 : 0;
    this.columns.set(slot, doc);
    this.docTerms[slot] = [];
    this.docCount++;
  }

  /** Records that a document holds `count` occurrences of a term (once per term and document). */
  addTerm(id: number, term: string, count: number): void {
    this.addPosting(this.termIdOf(term), id, count);
  }

  /** The number a term is stored under (a new one for a new term): a load looks it up once per term. */
  termIdOf(term: string): number {
    let termId = this.termIds.get(term);
    if (termId === undefined) {
      termId = this.postings.length;
      this.termIds.set(term, termId);
      this.postings.push(new PostingList());
      const letter = firstLetter(term);
      const bucket = this.termsByLetter.get(letter);
      if (bucket) bucket.push(term);
      else this.termsByLetter.set(letter, [term]);
    }
    return termId;
  }

  /** Makes room for `n` more postings of a term at once (no doubling while a load adds them). */
  reservePostings(termId: number, n: number): void {
    const list = this.postings[termId]!;
    list.reserve(list.length + n);
  }

  /**
   * addPosting() for a load, which ends with compact(): the document's own term list is not kept
   * (compact() rebuilds every list from the postings), so a load makes no array per document.
   */
  addLoadedPosting(termId: number, id: number, count: number): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) throw new Error(`no document ${id} in the text index`);
    this.postings[termId]!.add(slot, count);
    this.docTerms[slot] = null;
    this.lengths[slot]! += count;
    this.totalLength += count;
  }

  /** addTerm() of the term numbered `termId`. */
  addPosting(termId: number, id: number, count: number): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) throw new Error(`no document ${id} in the text index`);
    this.postings[termId]!.add(slot, count);
    let own = this.docTerms[slot];
    if (!own) {
      // A packed document gaining a term: back to an array of its own.
      own = Array.from(this.packedTerms.subarray(this.packedStart[slot]!, this.packedEnd[slot]!));
      this.docTerms[slot] = own;
    }
    own.push(termId);
    this.lengths[slot]! += count;
    this.totalLength += count;
  }

  remove(id: number): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    const own = this.docTerms[slot];
    if (own) for (const termId of own) this.postings[termId]!.remove(slot);
    else {
      for (let i = this.packedStart[slot]!; i < this.packedEnd[slot]!; i++) {
        this.postings[this.packedTerms[i]!]!.remove(slot);
      }
    }
    this.docTerms[slot] = [];
    this.slotOf.delete(id);
    this.freeSlots.push(slot);
    this.docCount--;
    this.totalLength -= this.lengths[slot]!;
  }

  /**
   * The k best live documents of the space for an OR of the given terms (one per query phrase,
   * repeats counted as FTS5 counts repeated phrases), best first; ties go to the lower id.
   */
  search(space: string, terms: readonly string[], k: number, filters: TextFilters = {}): TextHit[] {
    if (k <= 0 || this.docCount === 0 || terms.length === 0) return [];
    const resolved = this.columns.resolve(space, filters);
    if (!resolved) return [];
    const n = this.docCount;
    const avgLength = this.totalLength / n;
    const stamp = this.nextStamp();
    const { scores, stamps, lengths, lives, touched } = this;
    const spaces = this.columns.spaces;
    const { spaceSym, filtered } = resolved;
    let touchedCount = 0;
    for (const term of terms) {
      const termId = this.termIds.get(term);
      if (termId === undefined) continue;
      const list = this.postings[termId]!;
      const length = list.length;
      if (length === 0) continue;
      const idf = bm25Idf(n, length);
      const { slots, counts } = list;
      for (let i = 0; i < length; i++) {
        const slot = slots[i]!;
        if (stamps[slot] !== stamp) {
          stamps[slot] = stamp;
          // A score below zero marks a document the filters exclude (BM25 scores are positive).
          if (
            lives[slot] !== 1 ||
            spaces[slot] !== spaceSym ||
            (filtered && !this.columns.passesFilters(slot, resolved))
          ) {
            scores[slot] = -1;
            continue;
          }
          scores[slot] = 0;
          touched[touchedCount++] = slot;
        } else if (scores[slot]! < 0) continue;
        // FTS5's own expression (fts5_bm25), so the sums round as FTS5's do.
        const tf = counts[i]!;
        scores[slot]! += idf * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * lengths[slot]!) / avgLength)));
      }
    }
    const best = this.topK(touchedCount, k);
    const out: TextHit[] = new Array(best.length);
    for (let i = 0; i < best.length; i++) out[i] = { id: this.ids[best[i]!]!, rank: -scores[best[i]!]! };
    return out;
  }

  /**
   * Gives back the room a load leaves unused: posting lists trimmed to their entries, and every
   * document's term list packed into one typed array (see scripts/perf/index-memory.ts for what
   * it saves). Later writes grow them again as needed.
   */
  compact(): void {
    for (const list of this.postings) list.trim();
    // The postings are the truth: each slot's terms are counted, then written, from them.
    const start = new Int32Array(this.capacity);
    const end = new Int32Array(this.capacity);
    for (const list of this.postings) for (let i = 0; i < list.length; i++) end[list.slots[i]!]!++;
    let total = 0;
    for (let slot = 0; slot < this.used; slot++) {
      start[slot] = total;
      total += end[slot]!;
      end[slot] = start[slot]!;
    }
    const packed = new Int32Array(total);
    this.postings.forEach((list, termId) => {
      for (let i = 0; i < list.length; i++) packed[end[list.slots[i]!]!++] = termId;
    });
    this.docTerms.fill(null);
    this.packedTerms = packed;
    this.packedStart = start;
    this.packedEnd = end;
  }

  /**
   * The k best-scored of the first `count` touched slots, best first (a quickselect finds the
   * cut, then only those are ordered).
   */
  private topK(count: number, k: number): number[] {
    const { scores, ids, touched } = this;
    let chosen: number[];
    if (count > k * 4) {
      const values = this.cut;
      for (let i = 0; i < count; i++) values[i] = scores[touched[i]!]!;
      const cut = kthLargest(values, count, k);
      chosen = [];
      for (let i = 0; i < count; i++) if (scores[touched[i]!]! >= cut) chosen.push(touched[i]!);
    } else chosen = Array.from(touched.subarray(0, count));
    chosen.sort((a, b) => scores[b]! - scores[a]! || ids[a]! - ids[b]!);
    return chosen.length > k ? chosen.slice(0, k) : chosen;
  }

  private nextStamp(): number {
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  private grow(capacity: number): void {
    const copy = <T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(old: T, next: T): T => {
      next.set(old as never);
      return next;
    };
    this.ids = copy(this.ids, new Float64Array(capacity));
    this.lengths = copy(this.lengths, new Uint32Array(capacity));
    this.lives = copy(this.lives, new Uint8Array(capacity));
    this.columns.grow(capacity);
    this.scores = new Float64Array(capacity);
    this.packedStart = copy(this.packedStart, new Int32Array(capacity));
    this.packedEnd = copy(this.packedEnd, new Int32Array(capacity));
    this.touched = new Int32Array(capacity);
    this.cut = new Float64Array(capacity);
    this.stamps = new Uint32Array(capacity);
    this.stamp = 0;
    this.capacity = capacity;
  }
}
