import type { Statement } from 'better-sqlite3';
import type { Db } from './open-db';

/** What a model switch did, for progress and tests. */
export interface ModelSwitch {
  /** The model whose vectors were in use before (parked now), or null on a first model. */
  from: string | null;
  to: string;
  /** Fact vectors of `to` taken back from the parked ones (their facts are unchanged since). */
  restoredFacts: number;
  restoredLabels: number;
  /** Facts that wait to be embedded by `to`. */
  pending: number;
}

/** meta key: the model the vec tables' vectors are of. */
export const EMBEDDING_MODEL_KEY = 'embedding_model';
/**
 * meta key, present while the model in use has not embedded every fact and label since a switch:
 * the model switched from. Recall is text-only meanwhile (see Memory.searchModel).
 */
export const REEMBEDDING_KEY = 'reembedding_from';

/** The vec0 tables, as migration 0001 made them but `dims` wide. */
function createVecTablesSql(dims: number): string {
  return `
    CREATE VIRTUAL TABLE vec_facts USING vec0(
      fact_id    INTEGER PRIMARY KEY,
      space      TEXT PARTITION KEY,
      embedding  FLOAT[${dims}] distance_metric=cosine,
      live       INTEGER,
      category   TEXT,
      confidence FLOAT,
      created_at INTEGER,
      label_id   INTEGER
    );
    CREATE VIRTUAL TABLE vec_labels USING vec0(
      label_id  INTEGER PRIMARY KEY,
      space     TEXT PARTITION KEY,
      embedding FLOAT[${dims}] distance_metric=cosine
    );`;
}

/**
 * Keeps the rule that no search compares vectors of two models: vec_facts and vec_labels only ever
 * hold vectors of the model meta 'embedding_model' names, and every other model's vectors wait in
 * parked_vectors (migration 0006). Switching parks the current model's vectors, gives the vec
 * tables the new model's width, and takes back whatever the new model had parked for facts whose
 * content has not changed since; everything else waits for re-embedding.
 */
export class ModelVectors {
  /** Read on every model check (each encode and recall): prepared once. */
  private readonly metaStmt: Statement<[string], { value: string }>;

  constructor(private readonly db: Db) {
    this.metaStmt = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  }

  private meta(key: string): string | null {
    return this.metaStmt.get(key)?.value ?? null;
  }

  private setMeta(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
    else this.db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run(key, value);
  }

  /** The model the vec tables hold vectors of, or null before any model was used. */
  currentModel(): string | null {
    return this.meta(EMBEDDING_MODEL_KEY);
  }

  /** The model switched away from while the current one still re-embeds, else null. */
  reembeddingFrom(): string | null {
    return this.meta(REEMBEDDING_KEY);
  }

  /** The re-embedding after a switch has finished: recall may use the vectors again. */
  finishReembedding(): void {
    this.setMeta(REEMBEDDING_KEY, null);
  }

  /** The width of vec_facts's vectors, read from its definition. */
  tableDims(): number {
    const row = this.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'vec_facts'").get() as
      { sql: string } | undefined;
    const m = row && /float\[(\d+)\]/i.exec(row.sql);
    if (!m) throw new Error('vec_facts is missing or has no float[N] column');
    return Number(m[1]);
  }

  /** Models with parked vectors, and how many facts' vectors each has parked. */
  parkedModels(): Array<{ model: string; facts: number }> {
    return this.db
      .prepare(
        `SELECT model, count(*) FILTER (WHERE kind = 'fact') AS facts FROM parked_vectors GROUP BY model ORDER BY model`,
      )
      .all() as Array<{ model: string; facts: number }>;
  }

  /**
   * Makes `model` (`dims` wide) the model of the vec tables, in one transaction. A first model
   * (none recorded) keeps whatever vectors are there: they can only be its own.
   */
  switchTo(model: string, dims: number): ModelSwitch {
    return this.db.transaction((): ModelSwitch => {
      const from = this.currentModel();
      if (from === model && this.tableDims() === dims)
        return { from, to: model, restoredFacts: 0, restoredLabels: 0, pending: this.pendingCount() };
      if (from !== null && from !== model) this.park(from);
      if (this.tableDims() !== dims) {
        this.db.exec(`DROP TABLE vec_facts; DROP TABLE vec_labels; ${createVecTablesSql(dims)}`);
      } else {
        this.db.exec('DELETE FROM vec_facts; DELETE FROM vec_labels;');
      }
      this.db.exec(
        'UPDATE facts SET embedded_model = NULL WHERE embedded_model IS NOT NULL; UPDATE labels SET vector_count = 0;',
      );
      const restored = this.restore(model);
      this.setMeta(EMBEDDING_MODEL_KEY, model);
      const pending = this.pendingCount();
      const labelsPending = this.labelsPendingCount();
      // From a model to another: recall waits for the new one to be complete (text-only meanwhile).
      if (from !== null && from !== model && pending + labelsPending > 0) this.setMeta(REEMBEDDING_KEY, from);
      else this.setMeta(REEMBEDDING_KEY, null);
      return { from, to: model, ...restored, pending };
    })();
  }

  pendingCount(): number {
    return (
      this.db
        .prepare('SELECT count(*) AS n FROM facts WHERE embedded_model IS NULL AND superseded_by IS NULL')
        .get() as { n: number }
    ).n;
  }

  labelsPendingCount(): number {
    return (
      this.db
        .prepare(
          'SELECT count(*) AS n FROM labels l WHERE l.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM vec_labels v WHERE v.label_id = l.id)',
        )
        .get() as { n: number }
    ).n;
  }

  /** Copies the vec tables' vectors into parked_vectors under `model`, replacing older ones. */
  private park(model: string): void {
    this.db.prepare('DELETE FROM parked_vectors WHERE model = ?').run(model);
    this.db
      .prepare(
        `INSERT INTO parked_vectors (model, kind, owner_id, content_hash, vector_count, embedding)
         SELECT ?, 'fact', v.fact_id, f.content_hash, 1, v.embedding
         FROM vec_facts v JOIN facts f ON f.id = v.fact_id AND f.embedded_model = ?`,
      )
      .run(model, model);
    this.db
      .prepare(
        `INSERT INTO parked_vectors (model, kind, owner_id, content_hash, vector_count, embedding)
         SELECT ?, 'label', v.label_id, NULL, max(l.vector_count, 1), v.embedding
         FROM vec_labels v JOIN labels l ON l.id = v.label_id`,
      )
      .run(model);
  }

  /** Moves `model`'s parked vectors of unchanged facts and live labels back into the vec tables. */
  private restore(model: string): { restoredFacts: number; restoredLabels: number } {
    const facts = this.db
      .prepare(
        `INSERT INTO vec_facts (fact_id, space, embedding, live, category, confidence, created_at, label_id)
         SELECT f.id, f.space, p.embedding,
           CASE WHEN f.deleted_at IS NULL AND f.superseded_by IS NULL THEN 1 ELSE 0 END,
           f.category, f.confidence, f.created_at, coalesce(f.label_id, 0)
         FROM parked_vectors p JOIN facts f ON f.id = p.owner_id AND f.content_hash = p.content_hash
         WHERE p.model = ? AND p.kind = 'fact'`,
      )
      .run(model).changes;
    this.db
      .prepare(
        `UPDATE facts SET embedded_model = ?
         WHERE id IN (SELECT owner_id FROM parked_vectors p WHERE p.model = ? AND p.kind = 'fact'
                      AND p.content_hash = facts.content_hash)`,
      )
      .run(model, model);
    const labels = this.db
      .prepare(
        `INSERT INTO vec_labels (label_id, space, embedding)
         SELECT l.id, l.space, p.embedding
         FROM parked_vectors p JOIN labels l ON l.id = p.owner_id AND l.deleted_at IS NULL
         WHERE p.model = ? AND p.kind = 'label'`,
      )
      .run(model).changes;
    this.db
      .prepare(
        `UPDATE labels SET vector_count = (SELECT p.vector_count FROM parked_vectors p
           WHERE p.model = ? AND p.kind = 'label' AND p.owner_id = labels.id)
         WHERE deleted_at IS NULL AND id IN (SELECT owner_id FROM parked_vectors WHERE model = ? AND kind = 'label')`,
      )
      .run(model, model);
    // In use again: the vec tables are their home now.
    this.db.prepare('DELETE FROM parked_vectors WHERE model = ?').run(model);
    return { restoredFacts: facts, restoredLabels: labels };
  }
}
