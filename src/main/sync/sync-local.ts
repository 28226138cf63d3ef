import type { Statement } from 'better-sqlite3';
import { ModelVectors } from '../memory/model-vectors';
import type { Db } from '../memory/open-db';
import { vectorFromBlob } from '../memory/vector';
import { PullApplier } from './sync-apply';
import type {
  RemoteFact,
  RemoteLabel,
  RemoteLabelVersion,
  SyncFact,
  SyncLabel,
  SyncLabelVersion,
} from './sync-rows';

/** A local row with what push needs besides its data. */
export type LocalFact = SyncFact & { id: number; local_seq: number | null; remote_seq: number | null };
export type LocalLabel = SyncLabel & { id: number; local_seq: number | null; remote_seq: number | null };
export type LocalLabelVersion = SyncLabelVersion & { local_seq: number | null };

export interface Tombstone {
  uid: string;
  kind: 'fact' | 'label';
  deleted_at: number;
  local_seq: number;
}

/** The local changes after a push mark, in their order, and the mark that covers them. */
export interface DirtyBatch {
  labels: LocalLabel[];
  facts: LocalFact[];
  /** Earlier label states recorded here (renames, merges). */
  versions: LocalLabelVersion[];
  tombstones: Tombstone[];
  /** local_seq of the last change in the batch: the push mark once it is committed remotely. */
  upTo: number;
}

export interface SyncStateRow {
  remote: string;
  url: string;
  pulled_seq: number;
  pushed_seq: number;
  last_sync_at: number | null;
  last_result: 'ok' | 'failed' | null;
  last_error: string | null;
  pushed: number;
  pulled: number;
}

/** What push learnt about one row: the remote change_seq it now matches, or null to let pull bring it. */
export interface PushOutcome {
  kind: 'fact' | 'label' | 'version';
  uid: string;
  base: number | null;
  /**
   * A new local label took the uid of the remote label of the same name; a label version is the
   * one Postgres already holds under that uid (another device recorded the same state).
   */
  adoptUid?: string;
}

type FactDbRow = Omit<LocalFact, 'embedding' | 'label_uid' | 'superseded_by'> & {
  label_uid: string | null;
  superseded_uid: string | null;
};
type LabelDbRow = Omit<LocalLabel, 'embedding'>;

const FACT_SELECT = `SELECT f.id, f.uid, f.space, f.content, f.content_hash, f.category, f.confidence,
  l.uid AS label_uid, f.source, f.created_at, f.updated_at, f.deleted_at, s.uid AS superseded_uid,
  f.superseded_at, f.supersede_reason, f.embedded_model, f.version, f.origin_device, f.local_seq, f.remote_seq
  FROM facts f LEFT JOIN labels l ON l.id = f.label_id LEFT JOIN facts s ON s.id = f.superseded_by`;
const LABEL_SELECT = `SELECT id, uid, space, name, kind, category, vector_count, created_at, updated_at,
  deleted_at, version, origin_device, local_seq, remote_seq FROM labels`;
const LABEL_VERSION_SELECT = `SELECT uid, label_uid, space, name, kind, category, version, updated_at, origin_device,
  superseded_at, reason, merged_into, local_seq FROM label_versions`;

/**
 * The SQLite side of sync, on the memory's own connection. Reads are plain; every write is one
 * short BEGIN IMMEDIATE transaction, so the app (or the CLI) writing at the same time waits at
 * most one batch (busy_timeout covers it), and its in-memory indexes follow through the
 * fact_changes log that the triggers fill as for any writer.
 */
/** The width of the Postgres store's vector columns (pg-migrations 0001: vector(384), MiniLM's). */
export const PG_EMBEDDING_DIMS = 384;

export class LocalSide {
  private readonly stmts = new Map<string, Statement<unknown[], unknown>>();

  private dims: number | null = null;

  constructor(private readonly db: Db) {}

  /** The width of this device's vectors (its model's: 384 for MiniLM, 768 for bge-base). */
  localDims(): number {
    this.dims ??= new ModelVectors(this.db).tableDims();
    return this.dims;
  }

  /**
   * Whether this device's vectors fit Postgres's columns. A device on a wider model (bge-base)
   * syncs its facts and labels without vectors, and keeps other devices' vectors out (they are of
   * another model); each device embeds what it receives with its own model.
   */
  vectorsTravel(): boolean {
    return this.localDims() === PG_EMBEDDING_DIMS;
  }

  private stmt(sql: string): Statement<unknown[], unknown> {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[], unknown>(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  private meta(key: string): string | null {
    const row = this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  deviceId(): string {
    return this.meta('device_id')!;
  }

  /**
   * Prepares the sync state for `remote`. The per-row remote_seq values speak of one remote:
   * syncing with another one forgets them and starts its cursor and push mark from zero (every
   * row is then compared with what that remote holds).
   */
  beginRemote(remote: string, url: string): SyncStateRow {
    this.db
      .transaction(() => {
        if (this.meta('sync_remote') !== remote) {
          // Everything goes to a new remote, rows pulled from the old one too: local_seq 0 and
          // a push mark of -1 put every row in the first push.
          for (const table of ['facts', 'labels', 'label_versions'])
            this.db.exec(`UPDATE ${table} SET remote_seq = NULL, local_seq = coalesce(local_seq, 0)
                          WHERE remote_seq IS NOT NULL OR local_seq IS NULL`);
          this.stmt("INSERT OR REPLACE INTO meta(key, value) VALUES ('sync_remote', ?)").run(remote);
          this.stmt('DELETE FROM sync_state WHERE remote = ?').run(remote);
          this.stmt('INSERT INTO sync_state(remote, url, pushed_seq) VALUES (?, ?, -1)').run(remote, url);
        }
        this.stmt('INSERT OR IGNORE INTO sync_state(remote, url) VALUES (?, ?)').run(remote, url);
        this.stmt('UPDATE sync_state SET url = ? WHERE remote = ?').run(url, remote);
      })
      .immediate();
    return this.state(remote)!;
  }

  state(remote: string): SyncStateRow | undefined {
    return this.stmt('SELECT * FROM sync_state WHERE remote = ?').get(remote) as SyncStateRow | undefined;
  }

  /** The state of the remote synced last (the one remote_seq values speak of), if any. */
  currentState(): SyncStateRow | undefined {
    const remote = this.meta('sync_remote');
    return remote === null ? undefined : this.state(remote);
  }

  finish(
    remote: string,
    at: number,
    result: 'ok' | 'failed',
    error: string | null,
    pushed: number,
    pulled: number,
  ): void {
    this.db
      .transaction(() =>
        this.stmt(
          `UPDATE sync_state SET last_sync_at = ?, last_result = ?, last_error = ?, pushed = ?, pulled = ?
           WHERE remote = ?`,
        ).run(at, result, error, pushed, pulled, remote),
      )
      .immediate();
  }

  /** Local changes not yet pushed: rows and tombstones changed after the mark. */
  pendingCount(pushedSeq: number): number {
    const row = this.stmt(
      `SELECT (SELECT count(*) FROM facts WHERE local_seq > @mark) + (SELECT count(*) FROM labels WHERE local_seq > @mark)
        + (SELECT count(*) FROM sync_tombstones WHERE local_seq > @mark)
        + (SELECT count(*) FROM label_versions WHERE local_seq > @mark) AS n`,
    ).get({ mark: pushedSeq }) as { n: number };
    return row.n;
  }

  dirtyBatch(pushedSeq: number, limit: number): DirtyBatch {
    const refs = this.stmt(
      `SELECT * FROM (
         SELECT 'label' AS kind, uid, local_seq FROM labels WHERE local_seq > @mark
         UNION ALL SELECT 'fact', uid, local_seq FROM facts WHERE local_seq > @mark
         UNION ALL SELECT 'tomb', uid, local_seq FROM sync_tombstones WHERE local_seq > @mark
         UNION ALL SELECT 'version', uid, local_seq FROM label_versions WHERE local_seq > @mark)
       ORDER BY local_seq LIMIT @limit`,
    ).all({ mark: pushedSeq, limit }) as Array<{
      kind: 'label' | 'fact' | 'tomb' | 'version';
      uid: string;
      local_seq: number;
    }>;
    const uids = (kind: string) => refs.filter((r) => r.kind === kind).map((r) => r.uid);
    const tombs = uids('tomb');
    return {
      labels: this.labelsByUid(uids('label')),
      facts: this.factsByUid(uids('fact')),
      versions: this.versionsByUid(uids('version')),
      tombstones: tombs.length
        ? (this.stmt('SELECT * FROM sync_tombstones WHERE uid IN (SELECT value FROM json_each(?))').all(
            JSON.stringify(tombs),
          ) as Tombstone[])
        : [],
      upTo: refs.at(-1)?.local_seq ?? pushedSeq,
    };
  }

  factsByUid(uids: string[]): LocalFact[] {
    if (uids.length === 0) return [];
    const rows = this.stmt(`${FACT_SELECT} WHERE f.uid IN (SELECT value FROM json_each(?))`).all(
      JSON.stringify(uids),
    ) as FactDbRow[];
    return rows.map(({ superseded_uid, ...r }) => ({
      ...r,
      superseded_by: superseded_uid,
      embedding: r.embedded_model === null ? null : this.factVector(r.id),
    }));
  }

  labelsByUid(uids: string[]): LocalLabel[] {
    if (uids.length === 0) return [];
    const rows = this.stmt(`${LABEL_SELECT} WHERE uid IN (SELECT value FROM json_each(?))`).all(
      JSON.stringify(uids),
    ) as LabelDbRow[];
    return rows.map((r) => ({ ...r, embedding: this.labelVector(r.id) }));
  }

  versionsByUid(uids: string[]): LocalLabelVersion[] {
    if (uids.length === 0) return [];
    return this.stmt(`${LABEL_VERSION_SELECT} WHERE uid IN (SELECT value FROM json_each(?)) ORDER BY id`).all(
      JSON.stringify(uids),
    ) as LocalLabelVersion[];
  }

  knownFactUids(uids: string[]): Set<string> {
    return this.known('facts', uids);
  }

  knownLabelUids(uids: string[]): Set<string> {
    return this.known('labels', uids);
  }

  private known(table: 'facts' | 'labels', uids: string[]): Set<string> {
    if (uids.length === 0) return new Set();
    const found = this.stmt(`SELECT uid FROM ${table} WHERE uid IN (SELECT value FROM json_each(?))`).all(
      JSON.stringify(uids),
    ) as Array<{ uid: string }>;
    return new Set(found.map((r) => r.uid));
  }

  private factVector(id: number): Float32Array | null {
    if (!this.vectorsTravel()) return null;
    const row = this.stmt('SELECT embedding FROM vec_facts WHERE fact_id = ?').get(BigInt(id)) as
      { embedding: Buffer } | undefined;
    return row ? vectorFromBlob(row.embedding) : null;
  }

  private labelVector(id: number): Float32Array | null {
    if (!this.vectorsTravel()) return null;
    const row = this.stmt('SELECT embedding FROM vec_labels WHERE label_id = ?').get(BigInt(id)) as
      { embedding: Buffer } | undefined;
    return row ? vectorFromBlob(row.embedding) : null;
  }

  /**
   * Records a committed push: each row's new base, uids adopted, and the push mark, in one
   * transaction. A row changed again meanwhile keeps its newer local_seq, so it stays pending.
   */
  markPushed(remote: string, outcomes: PushOutcome[], upTo: number): void {
    this.db
      .transaction(() => {
        for (const o of outcomes) {
          if (o.kind === 'version') {
            this.markVersionPushed(o);
            continue;
          }
          const table = o.kind === 'fact' ? 'facts' : 'labels';
          if (o.adoptUid) this.stmt(`UPDATE ${table} SET uid = ? WHERE uid = ?`).run(o.adoptUid, o.uid);
          if (o.adoptUid && o.kind === 'label') this.relabelVersions(o.uid, o.adoptUid);
          if (o.base !== null)
            this.stmt(`UPDATE ${table} SET remote_seq = ? WHERE uid = ?`).run(o.base, o.adoptUid ?? o.uid);
        }
        this.stmt('UPDATE sync_state SET pushed_seq = max(pushed_seq, ?) WHERE remote = ?').run(upTo, remote);
      })
      .immediate();
  }

  /**
   * A version Postgres already held under another uid (the same state recorded on two devices):
   * ours goes, and this device keeps Postgres's copy, pulled already or by the coming pull (its
   * change_seq is past the cursor if it is not here).
   */
  private markVersionPushed(o: PushOutcome): void {
    if (o.adoptUid) this.stmt('DELETE FROM label_versions WHERE uid = ?').run(o.uid);
    else if (o.base !== null)
      this.stmt('UPDATE label_versions SET remote_seq = ? WHERE uid = ?').run(o.base, o.uid);
  }

  /** A label that took another uid keeps its history, and the names merged into it. */
  relabelVersions(from: string, to: string): void {
    this.stmt('UPDATE label_versions SET label_uid = ? WHERE label_uid = ?').run(to, from);
    this.stmt('UPDATE label_versions SET merged_into = ? WHERE merged_into = ?').run(to, from);
  }

  /**
   * Applies pulled rows and moves the cursor, in one transaction. A row with a local change not
   * yet pushed is left alone: the next push meets the remote change and resolves the conflict
   * there, and the resolution comes back by pull. Returns how many rows changed here.
   */
  applyPulled(
    remote: string,
    labels: RemoteLabel[],
    facts: RemoteFact[],
    versions: RemoteLabelVersion[],
    cursor: number,
  ): { applied: number } {
    let applied = 0;
    this.db
      .transaction(() => {
        const state = this.state(remote)!;
        const apply = new PullApplier(this, state.pushed_seq, labels, facts);
        applied = apply.run() + this.insertPulledVersions(versions);
        this.stmt('UPDATE sync_state SET pulled_seq = max(pulled_seq, ?) WHERE remote = ?').run(
          cursor,
          remote,
        );
      })
      .immediate();
    return { applied };
  }

  /** Label versions this device lacks; one it has (by uid) is left as it is. */
  private insertPulledVersions(versions: RemoteLabelVersion[]): number {
    let added = 0;
    for (const v of versions) {
      added += this.stmt(
        `INSERT OR IGNORE INTO label_versions (uid, label_uid, space, name, kind, category, version, updated_at,
           origin_device, superseded_at, reason, merged_into, remote_seq)
         VALUES (@uid, @label_uid, @space, @name, @kind, @category, @version, @updated_at, @origin_device,
           @superseded_at, @reason, @merged_into, @change_seq)`,
      ).run(v).changes;
    }
    return added;
  }

  localModel(): string | null {
    return this.meta('embedding_model');
  }

  /** Used by PullApplier to adopt the model of the first vectors it stores on a fresh device. */
  setLocalModel(model: string): void {
    this.stmt("INSERT OR REPLACE INTO meta(key, value) VALUES ('embedding_model', ?)").run(model);
  }

  runStmt(sql: string): Statement<unknown[], unknown> {
    return this.stmt(sql);
  }
}
