import type { PgMigration } from './index';

/**
 * The seed's production schema: facts and labels keyed by uid across devices, epoch-ms times
 * exactly as SQLite keeps them (so sync compares them exactly), a global change_seq that every
 * insert and update advances (sync pulls "change_seq > cursor"), and the seed's indexes.
 *
 * `facts.id` is not in the sync contract: a local bigint surrogate so a Postgres store can show
 * facts with the integer ids the API contract (SearchResult.fact_id, Fact.id) speaks. Sync never
 * writes it (GENERATED ALWAYS) and ignores it.
 */
export const initial: PgMigration = {
  version: 1,
  name: 'initial',
  async up(client) {
    await client.query(`
      CREATE EXTENSION IF NOT EXISTS vector;
      CREATE TABLE hippo_meta (key text PRIMARY KEY, value text NOT NULL);
      CREATE SEQUENCE hippo_change_seq;

      CREATE TABLE labels (
        uid uuid PRIMARY KEY,
        space text NOT NULL,
        name text NOT NULL,
        kind text NOT NULL DEFAULT 'topic',
        category text,
        embedding vector(384),
        vector_count integer NOT NULL DEFAULT 0,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        deleted_at bigint,
        version bigint NOT NULL DEFAULT 1,
        origin_device text NOT NULL,
        change_seq bigint NOT NULL DEFAULT nextval('hippo_change_seq')
      );

      CREATE TABLE facts (
        uid uuid PRIMARY KEY,
        space text NOT NULL,
        content text NOT NULL,
        content_hash text NOT NULL,
        category text NOT NULL,
        confidence real NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
        label_uid uuid REFERENCES labels(uid),
        source text,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        deleted_at bigint,
        superseded_by uuid REFERENCES facts(uid) DEFERRABLE INITIALLY DEFERRED,
        embedding vector(384),
        embedded_model text,
        version bigint NOT NULL DEFAULT 1,
        origin_device text NOT NULL,
        change_seq bigint NOT NULL DEFAULT nextval('hippo_change_seq'),
        id bigint GENERATED ALWAYS AS IDENTITY UNIQUE
      );

      -- Every update takes a fresh change_seq so a puller sees it; writers hold
      -- pg_advisory_xact_lock(782101) so the numbers commit in order.
      CREATE FUNCTION hippo_bump_change_seq() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.change_seq := nextval('hippo_change_seq');
        RETURN NEW;
      END $$;
      CREATE TRIGGER labels_change_seq BEFORE UPDATE ON labels
        FOR EACH ROW EXECUTE FUNCTION hippo_bump_change_seq();
      CREATE TRIGGER facts_change_seq BEFORE UPDATE ON facts
        FOR EACH ROW EXECUTE FUNCTION hippo_bump_change_seq();

      CREATE INDEX facts_embedding_hnsw ON facts USING hnsw (embedding vector_cosine_ops);
      CREATE INDEX facts_content_fts ON facts USING gin (to_tsvector('english', content));
      CREATE INDEX facts_live_high_confidence ON facts (space, confidence)
        WHERE deleted_at IS NULL AND superseded_by IS NULL AND confidence >= 0.8;
      CREATE INDEX facts_live_by_category ON facts (space, category, created_at)
        WHERE deleted_at IS NULL AND superseded_by IS NULL;
      CREATE INDEX facts_live_by_hash ON facts (space, content_hash)
        WHERE deleted_at IS NULL AND superseded_by IS NULL;
      CREATE INDEX facts_change_seq ON facts (change_seq);

      CREATE UNIQUE INDEX labels_live_name ON labels (space, lower(name)) WHERE deleted_at IS NULL;
      CREATE INDEX labels_live_kind ON labels (kind) WHERE deleted_at IS NULL;
      CREATE INDEX labels_live_category ON labels (category) WHERE deleted_at IS NULL;
      CREATE INDEX labels_change_seq ON labels (change_seq);
    `);
  },
};
