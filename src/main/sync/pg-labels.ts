import type pg from 'pg';
import { randomUUID } from 'node:crypto';
import type { Label, LabelVersion } from '../../shared/contract';
import { HippoError } from '../../shared/errors';
import { blend } from '../memory/vector';
import { checkMergeIds, labelRecord, labelVersionRecord } from '../memory/stored-records';
import { inPgWrite } from './pg-fact-rows';
import { fromPgVector, toPgVector } from './pg-statements';

/** What label writes need; every row they change gets origin_device = device. */
export interface PgLabelDeps {
  pool: pg.Pool;
  device: string;
  now(): number;
}

interface LabelQueryRow {
  id: string;
  uid: string;
  space: string;
  name: string;
  kind: string;
  category: string | null;
  created_at: string;
  fact_count: string;
}

// fact_count as SQLite's LabelsRepo.list counts: live facts, not forgotten ones or older wordings.
const LABEL_SELECT = `SELECT l.id, l.uid::text AS uid, l.space, l.name, l.kind, l.category, l.created_at,
       (SELECT count(*) FROM facts f WHERE f.label_uid = l.uid AND f.deleted_at IS NULL
          AND f.superseded_by IS NULL) AS fact_count
  FROM labels l`;

const toLabel = (r: LabelQueryRow): Label => labelRecord(r);

/** Memory.labelsList: the live labels of a space by name, letter case ignored as in SQLite's NOCASE. */
export async function pgLabelsList(pool: pg.Pool, space: string): Promise<Label[]> {
  const r = await pool.query<LabelQueryRow>(
    `${LABEL_SELECT} WHERE l.space = $1 AND l.deleted_at IS NULL ORDER BY lower(l.name) COLLATE "C", l.id`,
    [space],
  );
  return r.rows.map(toLabel);
}

export interface PgLiveLabel {
  id: number;
  uid: string;
  space: string;
  name: string;
}

/** A live label by id in the space; BAD_INPUT or NOT_FOUND worded as Memory's requireLabel. */
export async function pgRequireLabel(
  pool: pg.ClientBase | pg.Pool,
  id: number,
  space: string,
): Promise<PgLiveLabel> {
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new HippoError('BAD_INPUT', `id: must be a positive integer, got ${id}`);
  const r = await pool.query<LabelQueryRow>(
    `${LABEL_SELECT} WHERE l.id = $1 AND l.space = $2 AND l.deleted_at IS NULL`,
    [id, space],
  );
  const row = r.rows[0];
  if (!row) throw new HippoError('NOT_FOUND', `no label with id ${id} in space "${space}"`);
  return { id: Number(row.id), uid: row.uid, space: row.space, name: row.name };
}

export async function pgLabelOut(pool: pg.ClientBase | pg.Pool, id: number): Promise<Label> {
  const r = await pool.query<LabelQueryRow>(`${LABEL_SELECT} WHERE l.id = $1`, [id]);
  return toLabel(r.rows[0]!);
}

/**
 * Memory.renameLabel in Postgres: another live label of the space called `name` (any letter case)
 * is BAD_INPUT, merging being the way to join two labels. The label's vector swaps the old name's
 * share for the new name's as Memory.renameVector does: without a model, a vector that held only
 * the old name is dropped (embedPending embeds the new one), one holding facts is kept.
 */
export async function pgRenameLabel(
  deps: PgLabelDeps,
  label: PgLiveLabel,
  name: string,
  nameVector: Float32Array | null,
): Promise<Label> {
  return inPgWrite(deps.pool, async (client) => {
    const clash = await client.query<{ id: string; name: string }>(
      'SELECT id, name FROM labels WHERE space = $1 AND lower(name) = lower($2) AND deleted_at IS NULL AND id <> $3',
      [label.space, name, label.id],
    );
    const taken = clash.rows[0];
    if (taken)
      throw new HippoError(
        'BAD_INPUT',
        `name: label "${taken.name}" (id ${taken.id}) already exists in space "${label.space}"; merge into it instead`,
      );
    const current = await client.query<{
      name: string;
      embedding: string | null;
      vector_count: number;
      deleted_at: string | null;
    }>(
      'SELECT name, embedding::text AS embedding, vector_count, deleted_at FROM labels WHERE id = $1 FOR UPDATE',
      [label.id],
    );
    const cur = current.rows[0];
    if (!cur || cur.deleted_at !== null)
      throw new HippoError('NOT_FOUND', `no label with id ${label.id} in space "${label.space}"`);
    // The old name stays findable (labelHistory), as Memory.renameLabel keeps it.
    if (cur.name !== name) await recordLabelVersion(client, label.id, 'renamed', deps.now());
    const old = cur.embedding ? fromPgVector(cur.embedding) : null;
    const n = cur.vector_count;
    let vector: Float32Array | null = old;
    let count = n;
    if (nameVector && old && n > 1) {
      vector = blend([
        [old, n - 1],
        [nameVector, 1],
      ]);
    } else if (nameVector) {
      vector = nameVector;
      count = 1;
    } else if (n <= 1) {
      vector = null;
      count = 0;
    }
    await client.query(
      `UPDATE labels SET name = $2, updated_at = $3, embedding = $4::vector, vector_count = $5,
              version = version + 1, origin_device = $6
        WHERE id = $1`,
      [label.id, name, deps.now(), vector ? toPgVector(vector) : null, count, deps.device],
    );
    return pgLabelOut(client, label.id);
  });
}

interface MergeRow {
  id: string;
  uid: string;
  space: string;
  embedding: string | null;
  vector_count: number;
}

/**
 * Memory.mergeLabels in Postgres: every fact of `from` (forgotten ones and older wordings too) is
 * filed under `into`, `into`'s vector becomes the count-weighted mean of both, and `from` is
 * removed the way sync removes a label (deleted_at set), so every device pulls the merge. Checks
 * and messages are Memory's; any refusal leaves both labels as they were.
 */
export async function pgMergeLabels(
  deps: PgLabelDeps,
  from: number,
  into: number,
  space: string,
): Promise<Label> {
  checkMergeIds(from, into);
  return inPgWrite(deps.pool, async (client) => {
    const live = async (id: number): Promise<MergeRow> => {
      const r = await client.query<MergeRow>(
        `SELECT id, uid::text AS uid, space, embedding::text AS embedding, vector_count FROM labels
          WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
        [id],
      );
      if (!r.rows[0]) throw new HippoError('NOT_FOUND', `no label with id ${id}`);
      return r.rows[0];
    };
    const source = await live(from);
    const target = await live(into);
    if (source.space !== target.space)
      throw new HippoError(
        'BAD_INPUT',
        `into: label ${from} is in space "${source.space}" and label ${into} in "${target.space}"; labels merge only within a space`,
      );
    if (source.space !== space)
      throw new HippoError('NOT_FOUND', `no label with id ${from} in space "${space}"`);
    const now = deps.now();
    await client.query(
      'UPDATE facts SET label_uid = $2, version = version + 1, origin_device = $3 WHERE label_uid = $1',
      [source.uid, target.uid, deps.device],
    );
    const a = target.embedding ? fromPgVector(target.embedding) : null;
    const b = source.embedding ? fromPgVector(source.embedding) : null;
    const na = Math.max(1, target.vector_count);
    const nb = Math.max(1, source.vector_count);
    let vector = a;
    let count = target.vector_count;
    if (a && b) {
      vector = blend([
        [a, na],
        [b, nb],
      ]);
      count = na + nb;
    } else if (b) {
      vector = b;
      count = nb;
    }
    // `from`'s name stays findable from `into` (labelHistory), even once `from` is gone.
    await recordLabelVersion(client, from, 'merged', now, into);
    await client.query(
      `UPDATE labels SET deleted_at = $2, updated_at = greatest(updated_at, $2), version = version + 1,
              origin_device = $3 WHERE id = $1`,
      [from, now, deps.device],
    );
    await client.query(
      `UPDATE labels SET embedding = $2::vector, vector_count = $3, updated_at = $4, version = version + 1,
              origin_device = $5 WHERE id = $1`,
      [into, vector ? toPgVector(vector) : null, count, now, deps.device],
    );
    return pgLabelOut(client, into);
  });
}

/**
 * Keeps the state a label has now as one of its earlier states (Postgres migration 3's
 * label_versions, which sync carries to every device), as LabelsRepo.recordVersion does in SQLite.
 */
async function recordLabelVersion(
  client: pg.ClientBase,
  id: number,
  reason: 'renamed' | 'merged',
  now: number,
  mergedInto: number | null = null,
): Promise<void> {
  await client.query(
    `INSERT INTO label_versions (uid, label_uid, space, name, kind, category, version, updated_at,
       origin_device, superseded_at, reason, merged_into)
     SELECT $1, uid, space, name, kind, category, version, updated_at, origin_device, $3, $4,
       (SELECT uid FROM labels WHERE id = $5)
     FROM labels WHERE id = $2`,
    [randomUUID(), id, now, reason, mergedInto],
  );
}

/**
 * Memory.labelHistory: the label's earlier states, newest first, its own and those of every label
 * merged into it (and into those), so a name that lived on a merged-away label stays findable.
 */
export async function pgLabelHistory(pool: pg.Pool, label: PgLiveLabel): Promise<LabelVersion[]> {
  const r = await pool.query<{
    name: string;
    kind: string;
    category: string | null;
    reason: LabelVersion['reason'];
    updated_at: string;
    superseded_at: string;
    origin_device: string;
  }>(
    `WITH RECURSIVE absorbed(uid) AS (
       SELECT $1::uuid
       UNION SELECT v.label_uid FROM label_versions v JOIN absorbed a ON v.merged_into = a.uid)
     SELECT name, kind, category, reason, updated_at, superseded_at, origin_device
       FROM label_versions WHERE label_uid IN (SELECT uid FROM absorbed)
      ORDER BY superseded_at DESC, change_seq DESC`,
    [label.uid],
  );
  return r.rows.map(labelVersionRecord);
}
