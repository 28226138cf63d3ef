import type { Db } from './open-db';

export interface LabelRow {
  id: number;
  space: string;
  name: string;
  kind: string;
  category: string | null;
  vector_count: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

function blobOf(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export class LabelsRepo {
  private readonly byName;
  private readonly byId;
  private readonly insertRow;
  private readonly vecInsert;
  private readonly vecDelete;
  private readonly vecGet;
  private readonly vecNearest;
  private readonly listRows;

  constructor(private readonly db: Db) {
    this.byName = db.prepare<[string, string], LabelRow>(
      'SELECT * FROM labels WHERE space = ? AND name = ? COLLATE NOCASE AND deleted_at IS NULL',
    );
    this.byId = db.prepare<[number], LabelRow>('SELECT * FROM labels WHERE id = ?');
    this.insertRow = db.prepare(
      `INSERT INTO labels (space, name, kind, category, vector_count, created_at, updated_at)
       VALUES (@space, @name, @kind, @category, 0, @now, @now)`,
    );
    this.vecInsert = db.prepare('INSERT INTO vec_labels (label_id, space, embedding) VALUES (?, ?, ?)');
    this.vecDelete = db.prepare('DELETE FROM vec_labels WHERE label_id = ?');
    this.vecGet = db.prepare<[bigint], { embedding: Buffer }>(
      'SELECT embedding FROM vec_labels WHERE label_id = ?',
    );
    this.vecNearest = db.prepare<[Buffer, number, string], { id: number; distance: number }>(
      'SELECT label_id AS id, distance FROM vec_labels WHERE embedding MATCH ? AND k = ? AND space = ?',
    );
    this.listRows = db.prepare<[string], LabelRow & { fact_count: number }>(
      `SELECT l.*, (SELECT count(*) FROM facts f WHERE f.label_id = l.id AND f.deleted_at IS NULL
                      AND f.superseded_by IS NULL) AS fact_count
       FROM labels l WHERE l.space = ? AND l.deleted_at IS NULL ORDER BY l.name COLLATE NOCASE`,
    );
  }

  findByName(space: string, name: string): LabelRow | undefined {
    return this.byName.get(space, name);
  }

  get(id: number): LabelRow | undefined {
    return this.byId.get(id);
  }

  create(space: string, name: string, kind = 'topic', category: string | null = null): LabelRow {
    const now = Date.now();
    const r = this.insertRow.run({ space, name, kind, category, now });
    return this.byId.get(Number(r.lastInsertRowid))!;
  }

  list(space: string): Array<LabelRow & { fact_count: number }> {
    return this.listRows.all(space);
  }

  getVector(id: number): Float32Array | undefined {
    const row = this.vecGet.get(BigInt(id));
    if (!row) return undefined;
    const copy = new Uint8Array(row.embedding.byteLength);
    copy.set(row.embedding);
    return new Float32Array(copy.buffer);
  }

  setVector(id: number, space: string, v: Float32Array, vectorCount: number): void {
    this.vecDelete.run(BigInt(id));
    this.vecInsert.run(BigInt(id), space, blobOf(v));
    this.db.prepare('UPDATE labels SET vector_count = ? WHERE id = ?').run(vectorCount, id);
  }

  /** Nearest live label and its cosine similarity. */
  nearest(space: string, v: Float32Array): { label: LabelRow; similarity: number } | undefined {
    for (const hit of this.vecNearest.all(blobOf(v), 4, space)) {
      const label = this.byId.get(hit.id);
      if (label && label.deleted_at === null) return { label, similarity: 1 - hit.distance };
    }
    return undefined;
  }

  withoutVector(): LabelRow[] {
    return this.db
      .prepare(
        'SELECT l.* FROM labels l WHERE l.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM vec_labels v WHERE v.label_id = l.id)',
      )
      .all() as LabelRow[];
  }

  clearVectors(): void {
    this.db.exec('DELETE FROM vec_labels; UPDATE labels SET vector_count = 0;');
  }
}
