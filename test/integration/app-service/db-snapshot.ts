import type { Memory } from '../../../src/main/memory/memory';

/** Every stored row a refused call must leave alone (access counts aside: reads bump them). */
export function snapshotDb(memory: Memory): string {
  const db = memory.db;
  return JSON.stringify({
    facts: db
      .prepare(
        `SELECT id, space, content, content_hash, category, confidence, label_id, source, created_at,
                updated_at, deleted_at, superseded_by, embedded_model FROM facts ORDER BY id`,
      )
      .all(),
    labels: db.prepare('SELECT * FROM labels ORDER BY id').all(),
    label_vectors: db.prepare('SELECT label_id, embedding FROM vec_labels ORDER BY label_id').all(),
    fact_vectors: db.prepare('SELECT fact_id, label_id, live FROM vec_facts ORDER BY fact_id').all(),
  });
}
