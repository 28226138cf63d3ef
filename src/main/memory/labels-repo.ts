import { randomUUID } from 'node:crypto';
import type { Db } from './open-db';
import { vectorFromBlob, vectorToBlob } from './vector';

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

/** Why a label's state was superseded: see migration 0004 (label_versions). */
export type LabelVersionReason = 'renamed' | 'conflict' | 'merged';

/** One earlier state of a label, as label_versions keeps it. */
export interface LabelVersionRow {
  id: number;
  uid: string;
  label_uid: string;
  space: string;
  name: string;
  kind: string;
  category: string | null;
  version: number;
  updated_at: number;
  origin_device: string;
  superseded_at: number;
  reason: LabelVersionReason;
  merged_into: string | null;
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
  private readonly setCount;
  private readonly missingVector;

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
    this.setCount = db.prepare('UPDATE labels SET vector_count = ? WHERE id = ?');
    this.missingVector = db.prepare<[], LabelRow>(
      'SELECT l.* FROM labels l WHERE l.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM vec_labels v WHERE v.label_id = l.id)',
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
    return row && vectorFromBlob(row.embedding);
  }

  setVector(id: number, space: string, v: Float32Array, vectorCount: number): void {
    this.vecDelete.run(BigInt(id));
    this.vecInsert.run(BigInt(id), space, vectorToBlob(v));
    this.setCount.run(vectorCount, id);
  }

  /** Nearest live label and its cosine similarity. */
  nearest(space: string, v: Float32Array): { label: LabelRow; similarity: number } | undefined {
    for (const hit of this.vecNearest.all(vectorToBlob(v), 4, space)) {
      const label = this.byId.get(hit.id);
      if (label && label.deleted_at === null) return { label, similarity: 1 - hit.distance };
    }
    return undefined;
  }

  withoutVector(): LabelRow[] {
    return this.missingVector.all();
  }

  /** Forgets the label's vector; embedPending embeds its name again once a model is there. */
  dropVector(id: number): void {
    this.vecDelete.run(BigInt(id));
    this.setCount.run(0, id);
  }

  rename(id: number, name: string, now: number): void {
    this.db.prepare('UPDATE labels SET name = ?, updated_at = ? WHERE id = ?').run(name, now, id);
  }

  touch(id: number, now: number): void {
    this.db.prepare('UPDATE labels SET updated_at = ? WHERE id = ?').run(now, id);
  }

  /** Every fact filed under the label: live, forgotten and older wordings alike. */
  factIds(id: number): number[] {
    return this.db
      .prepare<[number], number>('SELECT id FROM facts WHERE label_id = ? ORDER BY id')
      .pluck()
      .all(id);
  }

  /** Removes the label row and its vector; no fact may point at it any more. */
  remove(id: number): void {
    this.vecDelete.run(BigInt(id));
    this.db.prepare("DELETE FROM parked_vectors WHERE kind = 'label' AND owner_id = ?").run(id);
    this.db.prepare('DELETE FROM labels WHERE id = ?').run(id);
  }

  /**
   * Keeps the label's current state as an earlier version before a rename or a merge changes
   * it; `mergedInto` is the label a merged one goes into. Call it inside the writing transaction.
   */
  recordVersion(id: number, reason: LabelVersionReason, now: number, mergedInto: number | null = null): void {
    this.db
      .prepare(
        `INSERT INTO label_versions (uid, label_uid, space, name, kind, category, version, updated_at,
           origin_device, superseded_at, reason, merged_into)
         SELECT @uid, uid, space, name, kind, category, version, updated_at, origin_device, @now, @reason,
           (SELECT uid FROM labels WHERE id = @into)
         FROM labels WHERE id = @id`,
      )
      .run({ uid: randomUUID(), id, now, reason, into: mergedInto });
  }

  /**
   * The label's earlier states, newest first: its own, and those of every label merged into it
   * (and into those, and so on), so a name that lived on a merged-away label stays findable.
   */
  history(id: number): LabelVersionRow[] {
    return this.db
      .prepare<[number], LabelVersionRow>(
        `WITH RECURSIVE absorbed(uid) AS (
           SELECT uid FROM labels WHERE id = ?
           UNION SELECT v.label_uid FROM label_versions v JOIN absorbed a ON v.merged_into = a.uid)
         SELECT id, uid, label_uid, space, name, kind, category, version, updated_at, origin_device,
           superseded_at, reason, merged_into
         FROM label_versions WHERE label_uid IN (SELECT uid FROM absorbed)
         ORDER BY superseded_at DESC, id DESC`,
      )
      .all(id);
  }
}
