/**
 * The columns recall filters on, kept per slot beside an in-memory search index (vector or word),
 * with spaces and categories interned as small integers so a scan compares numbers.
 */

/** Filters of recall and list, as the indexes apply them. Times are epoch ms; labelId 0 = none. */
export interface ColumnFilters {
  category?: string;
  labelId?: number;
  minConfidence?: number;
  since?: number;
  until?: number;
}

export interface FactColumnValues {
  space: string;
  category: string;
  confidence: number;
  createdAt: number;
  /** 0 when the fact has no label. */
  labelId: number;
}

/** A query's space and filters resolved against the interned values. */
export interface ResolvedFilters {
  spaceSym: number;
  /** -1: no category filter. */
  categorySym: number;
  /** Any filter beyond the space. */
  filtered: boolean;
  filters: ColumnFilters;
}

export class FactColumns {
  spaces = new Int32Array(0);
  private categories = new Int32Array(0);
  private confidences = new Float64Array(0);
  private createdAts = new Float64Array(0);
  private labelIds = new Float64Array(0);
  private readonly symbols = new Map<string, number>();

  set(slot: number, v: FactColumnValues): void {
    this.spaces[slot] = this.symbol(v.space);
    this.categories[slot] = this.symbol(v.category);
    this.confidences[slot] = v.confidence;
    this.createdAts[slot] = v.createdAt;
    this.labelIds[slot] = v.labelId;
  }

  move(from: number, to: number): void {
    this.spaces[to] = this.spaces[from]!;
    this.categories[to] = this.categories[from]!;
    this.confidences[to] = this.confidences[from]!;
    this.createdAts[to] = this.createdAts[from]!;
    this.labelIds[to] = this.labelIds[from]!;
  }

  /** Room for `capacity` slots, keeping every value stored so far. */
  grow(capacity: number): void {
    const copy = <T extends Float64Array | Int32Array>(old: T, next: T): T => {
      next.set(old as never);
      return next;
    };
    this.spaces = copy(this.spaces, new Int32Array(capacity));
    this.categories = copy(this.categories, new Int32Array(capacity));
    this.confidences = copy(this.confidences, new Float64Array(capacity));
    this.createdAts = copy(this.createdAts, new Float64Array(capacity));
    this.labelIds = copy(this.labelIds, new Float64Array(capacity));
  }

  /** Null when no slot can match: a space or category never stored. */
  resolve(space: string, filters: ColumnFilters): ResolvedFilters | null {
    const spaceSym = this.symbols.get(space);
    if (spaceSym === undefined) return null;
    let categorySym = -1;
    if (filters.category !== undefined) {
      const s = this.symbols.get(filters.category);
      if (s === undefined) return null;
      categorySym = s;
    }
    const filtered =
      categorySym >= 0 ||
      filters.labelId !== undefined ||
      filters.minConfidence !== undefined ||
      filters.since !== undefined ||
      filters.until !== undefined;
    return { spaceSym, categorySym, filtered, filters };
  }

  /** The slot is in the space and passes every filter. */
  passes(slot: number, r: ResolvedFilters): boolean {
    return this.spaces[slot] === r.spaceSym && (!r.filtered || this.passesFilters(slot, r));
  }

  /** The filters beyond the space (callers scanning spaces[] themselves check the space first). */
  passesFilters(slot: number, r: ResolvedFilters): boolean {
    const f = r.filters;
    return (
      (r.categorySym < 0 || this.categories[slot] === r.categorySym) &&
      (f.labelId === undefined || this.labelIds[slot] === f.labelId) &&
      (f.minConfidence === undefined || this.confidences[slot]! >= f.minConfidence) &&
      (f.since === undefined || this.createdAts[slot]! >= f.since) &&
      (f.until === undefined || this.createdAts[slot]! <= f.until)
    );
  }

  private symbol(s: string): number {
    let n = this.symbols.get(s);
    if (n === undefined) {
      n = this.symbols.size;
      this.symbols.set(s, n);
    }
    return n;
  }
}
