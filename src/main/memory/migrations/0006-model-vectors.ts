import type { Migration } from '.';

/**
 * Vectors of the embedding models not in use. vec_facts and vec_labels hold the vectors of one
 * model only, the one meta 'embedding_model' names (vec0 tables have one fixed width: 384 for
 * MiniLM, 768 for bge-base). When the model changes, the old model's vectors are parked here
 * instead of being thrown away, so switching back restores them at once rather than embedding
 * every fact again (see model-vectors.ts).
 *
 * A fact's row keeps the content_hash it was embedded from: a fact edited since is embedded anew.
 * A label's keeps its vector_count (how many fact vectors its centroid folds in).
 */
export const migration0006: Migration = {
  version: 6,
  name: 'model-vectors',
  up(db) {
    db.exec(`
      CREATE TABLE parked_vectors (
        model        TEXT NOT NULL,
        kind         TEXT NOT NULL CHECK (kind IN ('fact', 'label')),
        owner_id     INTEGER NOT NULL,
        content_hash TEXT,
        vector_count INTEGER NOT NULL DEFAULT 1,
        embedding    BLOB NOT NULL,
        PRIMARY KEY (model, kind, owner_id)
      ) WITHOUT ROWID;
      CREATE INDEX parked_vectors_owner ON parked_vectors(kind, owner_id);
    `);
  },
};
