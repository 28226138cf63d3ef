import { vectorFromBlob, vectorToBlob } from '../memory/vector';
import type { LocalSide } from './sync-local';
import { isPurged, type RemoteFact, type RemoteLabel } from './sync-rows';

interface LocalRef {
  id: number;
  uid: string;
  local_seq: number | null;
  remote_seq: number | null;
  content?: string;
  embedded_model?: string | null;
}

/**
 * Applies one pull batch here, inside LocalSide.applyPulled's transaction: labels and facts by
 * uid, the rows they refer to first, vectors of this device's model, purges, and the joins that
 * keep every device alike (twin facts, labels of one name, labels merged away).
 */
export class PullApplier {
  private applied = 0;
  private readonly pendingLabels: Map<string, RemoteLabel>;
  private readonly pendingFacts: Map<string, RemoteFact>;

  constructor(
    private readonly local: LocalSide,
    private readonly pushedSeq: number,
    labels: RemoteLabel[],
    facts: RemoteFact[],
  ) {
    this.pendingLabels = new Map(labels.map((l) => [l.uid, l]));
    this.pendingFacts = new Map(facts.map((f) => [f.uid, f]));
  }

  run(): number {
    // Labels deleted remotely go last: facts moved off them (a merge) must move here first.
    const labels = [...this.pendingLabels.values()];
    for (const l of labels) if (l.deleted_at === null) this.label(l.uid);
    for (const f of [...this.pendingFacts.values()]) this.fact(f.uid);
    for (const l of labels) this.label(l.uid);
    return this.applied;
  }

  private s(sql: string) {
    return this.local.runStmt(sql);
  }

  /**
   * Deleted here and not yet pushed: the remote's state waits until it has met our delete. Once
   * pushed, what the remote holds rules (a concurrent later rename can bring a label back).
   */
  private tombstoned(uid: string): boolean {
    return (
      this.s('SELECT 1 FROM sync_tombstones WHERE uid = ? AND local_seq > ?').get(uid, this.pushedSeq) !==
      undefined
    );
  }

  private dirty(row: LocalRef): boolean {
    return row.local_seq !== null && row.local_seq > this.pushedSeq;
  }

  private labelRef(uid: string): LocalRef | undefined {
    return this.s('SELECT id, uid, local_seq, remote_seq FROM labels WHERE uid = ?').get(uid) as
      LocalRef | undefined;
  }

  private factRef(uid: string): LocalRef | undefined {
    return this.s(
      'SELECT id, uid, local_seq, remote_seq, content, embedded_model FROM facts WHERE uid = ?',
    ).get(uid) as LocalRef | undefined;
  }

  /** Applies the pending label `uid` (if it is one) and returns its local id. */
  private label(uid: string): number | null {
    const r = this.pendingLabels.get(uid);
    if (!r) return this.labelRef(uid)?.id ?? null;
    this.pendingLabels.delete(uid);
    let row = this.labelRef(uid);
    if (this.tombstoned(uid)) return row?.id ?? null;
    if (row && (row.remote_seq === r.change_seq || this.dirty(row))) return row.id;
    if (r.deleted_at !== null && this.removeLabel(uid, row)) return null;
    if (r.deleted_at === null) {
      const clash = this.s(
        'SELECT id, uid, local_seq, remote_seq FROM labels WHERE space = ? AND name = ? COLLATE NOCASE AND deleted_at IS NULL AND uid <> ?',
      ).get(r.space, r.name, uid) as LocalRef | undefined;
      if (clash) {
        // remote_seq alone does not say it was never pushed: a push can leave it null.
        if (!row && clash.remote_seq === null && this.dirty(clash)) {
          // A label made here under the same name, never pushed: the same label, so it takes
          // the remote identity; its own values meet the remote's at the next push.
          this.s('UPDATE labels SET uid = ? WHERE id = ?').run(uid, clash.id);
          this.local.relabelVersions(clash.uid, uid);
          return clash.id;
        }
        // The clashing label's own newer state may be in this batch (renamed away remotely).
        if (this.pendingLabels.has(clash.uid)) this.label(clash.uid);
        const still = this.s(
          'SELECT id, name FROM labels WHERE id = ? AND name = ? COLLATE NOCASE AND deleted_at IS NULL',
        ).get(clash.id, r.name) as { id: number; name: string } | undefined;
        // Two live labels cannot share a name: the local one moves aside, and that rename is
        // itself a local change every device gets.
        if (still)
          this.s('UPDATE labels SET name = ? WHERE id = ?').run(this.freeName(r.space, r.name), still.id);
      }
    }
    const values = [
      r.space,
      r.name,
      r.kind,
      r.category,
      r.vector_count,
      r.created_at,
      r.updated_at,
      r.deleted_at,
    ];
    if (!row) {
      this.s(
        `INSERT INTO labels (space, name, kind, category, vector_count, created_at, updated_at, deleted_at,
           uid, version, origin_device, remote_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...values, uid, r.version, r.origin_device, r.change_seq);
      row = this.labelRef(uid)!;
    } else {
      this.s(
        `UPDATE labels SET space = ?, name = ?, kind = ?, category = ?, vector_count = ?, created_at = ?,
           updated_at = ?, deleted_at = ?, version = ?, origin_device = ?, remote_seq = ? WHERE id = ?`,
      ).run(...values, r.version, r.origin_device, r.change_seq, row.id);
    }
    // A label's vector carries no model id; its width tells whether it can be of this device's model.
    if (r.embedding && r.embedding.length === this.local.localDims() && this.acceptsModel(null)) {
      this.s('DELETE FROM vec_labels WHERE label_id = ?').run(BigInt(row.id));
      this.s('INSERT INTO vec_labels (label_id, space, embedding) VALUES (?, ?, ?)').run(
        BigInt(row.id),
        r.space,
        vectorToBlob(r.embedding),
      );
    }
    this.applied++;
    return row.id;
  }

  /**
   * A label deleted remotely (merged away) goes as Memory.mergeLabels removes one: row and vector.
   * Facts here still filed under it (filed meanwhile, or not yet moved) lose that label, as a
   * local change every device then gets, so all end alike (which label the merge went into is
   * not known here).
   */
  private removeLabel(uid: string, row: LocalRef | undefined): boolean {
    if (!row) return true;
    this.s('UPDATE facts SET label_id = NULL WHERE label_id = ?').run(row.id);
    this.s('DELETE FROM vec_labels WHERE label_id = ?').run(BigInt(row.id));
    this.s('DELETE FROM labels WHERE id = ?').run(row.id);
    this.s('DELETE FROM sync_tombstones WHERE uid = ?').run(uid);
    this.applied++;
    return true;
  }

  /** Counts a write sync made here as a local change (to push), as the triggers do for the engine's. */
  private markLocalChange(id: number): void {
    this.s("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'sync_local_seq'").run();
    this.s(
      `UPDATE facts SET version = version + 1, origin_device = (SELECT value FROM meta WHERE key = 'device_id'),
         local_seq = (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'sync_local_seq') WHERE id = ?`,
    ).run(id);
  }

  private freeName(space: string, name: string): string {
    for (let n = 2; ; n++) {
      const candidate = `${name} (${n})`;
      if (
        !this.s(
          'SELECT 1 FROM labels WHERE space = ? AND name = ? COLLATE NOCASE AND deleted_at IS NULL',
        ).get(space, candidate)
      )
        return candidate;
    }
  }

  /**
   * Whether vectors of `model` may be stored here: they must come from the model this device
   * uses. A device that never loaded a model takes the first one it is given (and drops them
   * all, like any model change, if it later loads another).
   */
  private acceptsModel(model: string | null): boolean {
    const local = this.local.localModel();
    if (model === null) return true;
    if (local === null) {
      this.local.setLocalModel(model);
      return true;
    }
    return local === model;
  }

  /** Applies the pending fact `uid` (if it is one) and returns its local id, or null if it is not here. */
  private fact(uid: string): number | null {
    const r = this.pendingFacts.get(uid);
    if (!r) return this.factRef(uid)?.id ?? null;
    this.pendingFacts.delete(uid);
    const row = this.factRef(uid);
    if (this.tombstoned(uid)) return null;
    if (isPurged(r)) {
      if (row) this.purge(row.id);
      return null;
    }
    if (row && (row.remote_seq === r.change_seq || this.dirty(row))) return row.id;
    const labelId = r.label_uid ? this.label(r.label_uid) : null;
    const supersededBy = r.superseded_by ? this.fact(r.superseded_by) : null;
    // History of a fact purged here goes with it.
    if (r.superseded_by && supersededBy === null) return null;

    let model: string | null = null;
    let vector: Float32Array | null = null;
    if (
      r.embedding &&
      r.embedded_model &&
      r.embedding.length === this.local.localDims() &&
      this.acceptsModel(r.embedded_model)
    ) {
      model = r.embedded_model;
      vector = r.embedding;
    } else if (
      row &&
      row.content === r.content &&
      row.embedded_model &&
      row.embedded_model === this.local.localModel()
    ) {
      // Our own vector of the same words, from the model this device uses: keep it.
      model = row.embedded_model;
      const kept = this.s('SELECT embedding FROM vec_facts WHERE fact_id = ?').get(BigInt(row.id)) as
        { embedding: Buffer } | undefined;
      vector = kept ? vectorFromBlob(kept.embedding) : null;
      if (!vector) model = null;
    }
    const values = [
      r.space,
      r.content,
      r.content_hash,
      r.category,
      r.confidence,
      labelId,
      r.source,
      r.created_at,
      r.updated_at,
      r.deleted_at,
      supersededBy,
      model,
      r.version,
      r.origin_device,
      r.change_seq,
      supersededBy === null ? null : r.superseded_at,
      supersededBy === null ? null : r.supersede_reason,
    ];
    let id: number;
    if (!row) {
      id = Number(
        this.s(
          `INSERT INTO facts (space, content, content_hash, category, confidence, label_id, source, created_at,
             updated_at, deleted_at, superseded_by, embedded_model, version, origin_device, remote_seq,
             superseded_at, supersede_reason, uid)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(...values, uid).lastInsertRowid,
      );
    } else {
      id = row.id;
      this.s(
        `UPDATE facts SET space = ?, content = ?, content_hash = ?, category = ?, confidence = ?, label_id = ?,
           source = ?, created_at = ?, updated_at = ?, deleted_at = ?, superseded_by = ?, embedded_model = ?,
           version = ?, origin_device = ?, remote_seq = ?, superseded_at = ?, supersede_reason = ? WHERE id = ?`,
      ).run(...values, id);
    }
    this.s('DELETE FROM vec_facts WHERE fact_id = ?').run(BigInt(id));
    if (vector && model) {
      this.s(
        `INSERT INTO vec_facts (fact_id, space, embedding, live, category, confidence, created_at, label_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        BigInt(id),
        r.space,
        vectorToBlob(vector),
        BigInt(r.deleted_at === null && supersededBy === null ? 1 : 0),
        r.category,
        r.confidence,
        BigInt(r.created_at),
        BigInt(labelId ?? 0),
      );
    }
    // Its label was merged away (deleted) here or there: it goes without, on every device.
    if (r.label_uid !== null && labelId === null) this.markLocalChange(id);
    if (!row && r.deleted_at === null && supersededBy === null) this.joinTwin(id, uid, r);
    this.applied++;
    return id;
  }

  /**
   * The same words stored on two devices before either synced make two live facts. As encode
   * would have, they become one: the one with the smaller uid stays and the other becomes its
   * history. Every device picks the same one, and the change is a local one that the next push
   * sends (the sync pushes again after pulling).
   */
  private joinTwin(id: number, uid: string, r: RemoteFact): void {
    const twin = this.s(
      `SELECT id, uid, created_at FROM facts WHERE space = ? AND content_hash = ? AND deleted_at IS NULL
         AND superseded_by IS NULL AND id <> ? ORDER BY uid LIMIT 1`,
    ).get(r.space, r.content_hash, id) as { id: number; uid: string; created_at: number } | undefined;
    if (!twin) return;
    const [keep, drop] = twin.uid < uid ? [twin.id, id] : [id, twin.id];
    // Stopped being current when its twin appeared: the same instant on every device (a trigger's
    // "now" would differ per device, and the devices would send the row back and forth).
    const stoppedAt = Math.max(Number(twin.created_at), Number(r.created_at));
    this.s(
      "UPDATE facts SET superseded_by = ?, superseded_at = ?, supersede_reason = 'edited' WHERE id = ?",
    ).run(keep, stoppedAt, drop);
    this.s('UPDATE vec_facts SET live = 0 WHERE fact_id = ?').run(BigInt(drop));
  }

  /** Purges a fact and its history here, as Memory.purge does, without a tombstone of our own. */
  private purge(id: number): void {
    const ids = [
      ...(
        this.s("SELECT id FROM facts WHERE superseded_by = ? AND supersede_reason IS NOT 'superseded'").all(
          id,
        ) as Array<{ id: number }>
      ).map((r) => r.id),
      id,
    ];
    for (const each of ids) {
      const uid = (this.s('SELECT uid FROM facts WHERE id = ?').get(each) as { uid: string }).uid;
      this.s('UPDATE facts SET superseded_by = NULL WHERE superseded_by = ?').run(each);
      this.s('DELETE FROM vec_facts WHERE fact_id = ?').run(BigInt(each));
      this.s('DELETE FROM facts WHERE id = ?').run(each);
      this.s('DELETE FROM sync_tombstones WHERE uid = ?').run(uid);
    }
    this.applied++;
  }
}
