import { EMBEDDING_DIMS } from '../../../shared/embedder-protocol';
import type { Migration } from '.';

/**
 * Facts, labels, full-text and vector indexes, the embedding cache.
 * Times are epoch milliseconds. A fact is live when deleted_at and superseded_by are NULL.
 */
export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE labels (
        id           INTEGER PRIMARY KEY,
        space        TEXT NOT NULL,
        name         TEXT NOT NULL,
        kind         TEXT NOT NULL DEFAULT 'topic',
        category     TEXT,
        -- how many fact vectors are folded into the label's centroid vector
        vector_count INTEGER NOT NULL DEFAULT 0,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        deleted_at   INTEGER
      );
      CREATE UNIQUE INDEX labels_live_name ON labels(space, name COLLATE NOCASE) WHERE deleted_at IS NULL;
      CREATE INDEX labels_live_kind ON labels(space, kind) WHERE deleted_at IS NULL;
      CREATE INDEX labels_live_category ON labels(space, category) WHERE deleted_at IS NULL;

      CREATE TABLE facts (
        id               INTEGER PRIMARY KEY,
        space            TEXT NOT NULL,
        content          TEXT NOT NULL,
        content_hash     TEXT NOT NULL,
        category         TEXT NOT NULL,
        confidence       REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
        label_id         INTEGER REFERENCES labels(id),
        source           TEXT,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        deleted_at       INTEGER,
        superseded_by    INTEGER REFERENCES facts(id),
        access_count     INTEGER NOT NULL DEFAULT 0,
        last_accessed_at INTEGER,
        -- model id of the vector in vec_facts; NULL while the fact waits for an embedding
        embedded_model   TEXT
      );
      CREATE INDEX facts_live_hash ON facts(space, content_hash)
        WHERE deleted_at IS NULL AND superseded_by IS NULL;
      CREATE INDEX facts_live_confidence ON facts(space, confidence)
        WHERE deleted_at IS NULL AND superseded_by IS NULL;
      CREATE INDEX facts_live_category ON facts(space, category, created_at)
        WHERE deleted_at IS NULL AND superseded_by IS NULL;
      CREATE INDEX facts_space_created ON facts(space, created_at);
      CREATE INDEX facts_label ON facts(label_id) WHERE label_id IS NOT NULL;
      CREATE INDEX facts_superseded_by ON facts(superseded_by) WHERE superseded_by IS NOT NULL;
      CREATE INDEX facts_pending_embedding ON facts(id) WHERE embedded_model IS NULL;

      -- Words: external-content FTS5 over facts.content, kept in step by triggers in the
      -- same transaction as every write.
      CREATE VIRTUAL TABLE facts_fts USING fts5(
        content,
        content = 'facts',
        content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER facts_fts_insert AFTER INSERT ON facts BEGIN
        INSERT INTO facts_fts(rowid, content) VALUES (new.id, new.content);
      END;
      CREATE TRIGGER facts_fts_delete AFTER DELETE ON facts BEGIN
        INSERT INTO facts_fts(facts_fts, rowid, content) VALUES ('delete', old.id, old.content);
      END;
      CREATE TRIGGER facts_fts_update AFTER UPDATE OF content ON facts BEGIN
        INSERT INTO facts_fts(facts_fts, rowid, content) VALUES ('delete', old.id, old.content);
        INSERT INTO facts_fts(rowid, content) VALUES (new.id, new.content);
      END;

      -- Vectors: the filters recall uses are vec0 metadata columns so KNN applies them while
      -- searching (a post-filter could return fewer than k). live = 1 for live facts;
      -- label_id = 0 for none (vec0 integer metadata cannot be NULL).
      CREATE VIRTUAL TABLE vec_facts USING vec0(
        fact_id    INTEGER PRIMARY KEY,
        space      TEXT PARTITION KEY,
        embedding  FLOAT[${EMBEDDING_DIMS}] distance_metric=cosine,
        live       INTEGER,
        category   TEXT,
        confidence FLOAT,
        created_at INTEGER,
        label_id   INTEGER
      );
      CREATE VIRTUAL TABLE vec_labels USING vec0(
        label_id  INTEGER PRIMARY KEY,
        space     TEXT PARTITION KEY,
        embedding FLOAT[${EMBEDDING_DIMS}] distance_metric=cosine
      );

      CREATE TABLE embedding_cache (
        key        TEXT PRIMARY KEY,
        vector     BLOB NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
