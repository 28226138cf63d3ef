import type { Statement } from 'better-sqlite3';
import { ChangeFollower } from './fact-changes';
import { FtsTokenizer } from './fts-tokenizer';
import type { Db } from './open-db';
import { TextIndex, type TextDocMeta } from './text-index';

interface FactMetaRow {
  id: number;
  space: string;
  category: string;
  confidence: number;
  created_at: number;
  label_id: number | null;
  live: number;
}

/** Query words whose term is remembered; the cache starts over when full. */
const WORD_CACHE_SIZE = 20_000;

/**
 * Keeps an in-memory TextIndex equal to facts_fts (every fact, live or not, as FTS5 holds them),
 * built from FTS5's own index (fts5vocab). Before each search it reads the fact_changes log and
 * re-reads and re-tokenizes the facts changed since it last looked, on any connection; a
 * rolled-back transaction never shows.
 */
export class LiveText {
  private index: TextIndex | null = null;
  private tokenizer: FtsTokenizer | null = null;
  private readonly follower: ChangeFollower;
  /** A query word's FTS5 term (null: not exactly one term); tokenizing is a few SQLite calls. */
  private readonly termOfWord = new Map<string, string | null>();
  private readonly factStmt: Statement<[number], FactMetaRow & { content: string }>;
  private readonly allStmt: Statement<[], FactMetaRow>;

  constructor(private readonly db: Db) {
    this.follower = new ChangeFollower(db);
    const columns = `id, space, category, confidence, created_at, label_id,
      (deleted_at IS NULL AND superseded_by IS NULL) AS live`;
    this.factStmt = db.prepare<[number], FactMetaRow & { content: string }>(
      `SELECT ${columns}, content FROM facts WHERE id = ?`,
    );
    this.allStmt = db.prepare<[], FactMetaRow>(`SELECT ${columns} FROM facts`);
  }

  /**
   * The index, equal to what is committed; null inside a transaction, where uncommitted rows
   * count and the caller must ask SQLite itself.
   */
  current(): TextIndex | null {
    if (this.db.inTransaction) return null;
    this.follower.catchUp(
      this.index?.size ?? null,
      () => this.load(),
      (ids) => this.refresh(ids),
    );
    return this.index;
  }

  /**
   * The terms FTS5 makes of each query word, one per word; null when some word does not make
   * exactly one term (FTS5 would treat it as a phrase; the caller then asks FTS5 itself).
   */
  queryTerms(words: readonly string[]): string[] | null {
    if (this.db.inTransaction) return null;
    const terms: string[] = [];
    for (const word of words) {
      let term = this.termOfWord.get(word);
      if (term === undefined) {
        const tokens = this.tokens().tokens(word);
        term = tokens.length === 1 ? tokens[0]! : null;
        if (this.termOfWord.size >= WORD_CACHE_SIZE) this.termOfWord.clear();
        this.termOfWord.set(word, term);
      }
      if (term === null) return null;
      terms.push(term);
    }
    return terms;
  }

  release(): void {
    this.index = null;
  }

  private tokens(): FtsTokenizer {
    this.tokenizer ??= new FtsTokenizer(this.db);
    return this.tokenizer;
  }

  /** Reads every fact and FTS5's terms. */
  private load(): void {
    const index = new TextIndex();
    for (const row of this.allStmt.iterate()) index.addDocument(toMeta(row));
    // FTS5's own index, term by term: (term, doc) repeats once per occurrence.
    this.tokens();
    this.db.exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.hippo_facts_terms USING fts5vocab(main, 'facts_fts', 'instance')",
    );
    const rows = this.db
      .prepare<[], [string, number]>('SELECT term, doc FROM temp.hippo_facts_terms')
      .raw()
      .iterate();
    let term = '';
    let doc = -1;
    let count = 0;
    for (const [t, d] of rows) {
      if (t === term && d === doc) {
        count++;
        continue;
      }
      if (count > 0 && index.has(doc)) index.addTerm(doc, term, count);
      term = t;
      doc = d;
      count = 1;
    }
    if (count > 0 && index.has(doc)) index.addTerm(doc, term, count);
    this.index = index;
  }

  private refresh(ids: number[]): void {
    const index = this.index!;
    const tokenizer = this.tokens();
    for (const id of ids) {
      const row = this.factStmt.get(id);
      if (!row) {
        index.remove(id);
        continue;
      }
      index.upsert({ ...toMeta(row), terms: tokenizer.termCounts(row.content) });
    }
  }
}

function toMeta(row: FactMetaRow): TextDocMeta {
  return {
    id: row.id,
    space: row.space,
    live: row.live === 1,
    category: row.category,
    confidence: row.confidence,
    createdAt: row.created_at,
    labelId: row.label_id ?? 0,
  };
}
