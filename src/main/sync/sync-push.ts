import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { PG_WRITE_LOCK } from './pg-migrate';
import {
  changedAt,
  keptEmbedding,
  sameFact,
  sameFactContent,
  sameLabel,
  sameLabelContent,
  wins,
} from './sync-conflicts';
import type {
  DirtyBatch,
  LocalFact,
  LocalLabel,
  LocalLabelVersion,
  LocalSide,
  PushOutcome,
  Tombstone,
} from './sync-local';
import {
  PURGED_HASH,
  SELECT_FACTS,
  SELECT_LABELS,
  factFromPg,
  isPurged,
  labelFromPg,
  vectorToPg,
  type RemoteFact,
  type RemoteLabel,
  type SyncFact,
  type SyncLabel,
  type SyncLabelVersion,
} from './sync-rows';

export interface PushResult {
  outcomes: PushOutcome[];
  /** Rows that met a concurrent remote change and were resolved by last-writer-wins. */
  conflicts: number;
}

/**
 * Pushes one batch of local changes in one Postgres transaction under the write lock, so a
 * sync killed mid-batch leaves Postgres as it was. For each row, against what Postgres holds:
 * - nothing there: insert it;
 * - the same values: nothing to write (a batch pushed again after a crash is a no-op);
 * - unchanged since this device last saw it (remote change_seq = our base): write ours;
 * - changed there too: a conflict. The last writer wins (see wins()); the winner is written with
 *   a version above both, and the loser, unless it says the same as the winner, is kept as a
 *   superseded copy of it (history) under a fresh uid. Either way the row's change_seq moves, so
 *   every device, this one included, pulls the resolution. A label's loser goes to
 *   label_versions (reason 'conflict'), where every device's labelHistory finds it.
 * Label versions recorded here (renames, merges) are inserted by uid, once.
 */
export async function pushBatch(
  client: pg.ClientBase,
  local: LocalSide,
  batch: DirtyBatch,
  device: string,
): Promise<PushResult> {
  const out: PushResult = { outcomes: [], conflicts: 0 };
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PG_WRITE_LOCK]);
    const { labels, facts } = await withMissingReferences(client, local, batch);
    const remoteLabels = await fetchLabels(
      client,
      labels.map((l) => l.uid),
    );
    const adopted = new Map<string, string>();
    for (const l of labels) await pushLabel(client, local, l, remoteLabels.get(l.uid), adopted, out);
    // Before the tombstones: a label merged away finds the label it went into among them.
    for (const v of batch.versions) await pushVersion(client, v, adopted, out);
    const remoteFacts = await fetchFacts(
      client,
      facts.map((f) => f.uid),
    );
    const inserts: SyncFact[] = [];
    for (const f of facts) {
      const mapped =
        f.label_uid && adopted.has(f.label_uid) ? { ...f, label_uid: adopted.get(f.label_uid)! } : f;
      const r = remoteFacts.get(f.uid);
      if (r) await pushFact(client, mapped, r, out);
      else inserts.push(mapped);
    }
    // New facts (the bulk of a first sync) go in one statement rather than a round trip each.
    for (const [uid, seq] of await insertFacts(client, inserts))
      out.outcomes.push({ kind: 'fact', uid, base: seq });
    for (const t of batch.tombstones) await pushTombstone(client, t, device);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
  return out;
}

/**
 * A fact's label and the fact it supersedes must exist in Postgres when it is written (foreign
 * keys): rows the batch refers to that Postgres lacks and that are not in the batch are pushed
 * with it (they are local changes still pending; pushing them early is harmless).
 */
async function withMissingReferences(
  client: pg.ClientBase,
  local: LocalSide,
  batch: DirtyBatch,
): Promise<{ labels: LocalLabel[]; facts: LocalFact[] }> {
  const labels = [...batch.labels];
  const facts = [...batch.facts];
  // Labels a history row speaks of go with it, so a label that takes another's uid on the way
  // (made on two devices under one name) takes its history along in the same batch.
  const versionRefs = [
    ...new Set(batch.versions.flatMap((v) => (v.merged_into ? [v.label_uid, v.merged_into] : [v.label_uid]))),
  ].filter((u) => !labels.some((l) => l.uid === u));
  const remoteV = await existing(client, 'labels', versionRefs);
  labels.push(...local.labelsByUid(versionRefs.filter((u) => !remoteV.has(u))));
  let newFacts: LocalFact[] = facts;
  for (let depth = 0; depth < 8 && newFacts.length > 0; depth++) {
    const haveLabels = new Set(labels.map((l) => l.uid));
    const haveFacts = new Set(facts.map((f) => f.uid));
    const labelRefs = [
      ...new Set(newFacts.map((f) => f.label_uid).filter((u): u is string => !!u && !haveLabels.has(u))),
    ];
    const factRefs = [
      ...new Set(newFacts.map((f) => f.superseded_by).filter((u): u is string => !!u && !haveFacts.has(u))),
    ];
    const remoteL = await existing(client, 'labels', labelRefs);
    const remoteF = await existing(client, 'facts', factRefs);
    labels.push(...local.labelsByUid(labelRefs.filter((u) => !remoteL.has(u))));
    newFacts = local.factsByUid(factRefs.filter((u) => !remoteF.has(u)));
    facts.push(...newFacts);
  }
  return { labels, facts };
}

async function existing(
  client: pg.ClientBase,
  table: 'facts' | 'labels',
  uids: string[],
): Promise<Set<string>> {
  if (uids.length === 0) return new Set();
  const r = await client.query<{ uid: string }>(
    `SELECT uid::text AS uid FROM ${table} WHERE uid = ANY($1::uuid[])`,
    [uids],
  );
  return new Set(r.rows.map((x) => x.uid));
}

export async function fetchLabels(client: pg.ClientBase, uids: string[]): Promise<Map<string, RemoteLabel>> {
  if (uids.length === 0) return new Map();
  const r = await client.query(`${SELECT_LABELS} WHERE uid = ANY($1::uuid[])`, [uids]);
  return new Map(r.rows.map((row) => [row.uid as string, labelFromPg(row)]));
}

export async function fetchFacts(client: pg.ClientBase, uids: string[]): Promise<Map<string, RemoteFact>> {
  if (uids.length === 0) return new Map();
  const r = await client.query(`${SELECT_FACTS} WHERE uid = ANY($1::uuid[])`, [uids]);
  return new Map(r.rows.map((row) => [row.uid as string, factFromPg(row)]));
}

async function liveLabelNamed(
  client: pg.ClientBase,
  space: string,
  name: string,
  except: string | null,
): Promise<RemoteLabel | null> {
  const r = await client.query(
    `${SELECT_LABELS} WHERE space = $1 AND lower(name) = lower($2) AND deleted_at IS NULL
       AND ($3::uuid IS NULL OR uid <> $3::uuid)`,
    [space, name, except],
  );
  return r.rows[0] ? labelFromPg(r.rows[0]) : null;
}

/** A name no live label of the space has, for a label whose name another took meanwhile. */
async function freeLabelName(client: pg.ClientBase, space: string, name: string): Promise<string> {
  for (let n = 2; ; n++) {
    const candidate = `${name} (${n})`;
    if (!(await liveLabelNamed(client, space, candidate, null))) return candidate;
  }
}

async function pushLabel(
  client: pg.ClientBase,
  local: LocalSide,
  l: LocalLabel,
  remote: RemoteLabel | undefined,
  adopted: Map<string, string>,
  out: PushResult,
): Promise<void> {
  let r = remote;
  let row: SyncLabel = l;
  let adoptUid: string | undefined;
  if (!r && l.deleted_at === null) {
    const same = await liveLabelNamed(client, l.space, l.name, null);
    if (same && local.knownLabelUids([same.uid]).size === 0) {
      // Made on two devices under one name: one label. Ours takes the remote identity, and the
      // two sets of values meet as a conflict would.
      adoptUid = same.uid;
      adopted.set(l.uid, same.uid);
      r = same;
      row = { ...l, uid: same.uid };
    }
  }
  if (!r) {
    const name = await nameFree(client, row);
    const seq = await writeLabel(client, 'insert', { ...row, name });
    out.outcomes.push({ kind: 'label', uid: l.uid, base: name === row.name ? seq : null, adoptUid });
    return;
  }
  if (sameLabel(row, r)) {
    out.outcomes.push({ kind: 'label', uid: l.uid, base: r.change_seq, adoptUid });
    return;
  }
  if (l.remote_seq === r.change_seq && !adoptUid) {
    const name = await nameFree(client, row);
    const seq = await writeLabel(client, 'update', { ...row, name });
    out.outcomes.push({ kind: 'label', uid: l.uid, base: name === row.name ? seq : null });
    return;
  }
  out.conflicts++;
  const winner = wins(row, r) ? row : r;
  const loser = winner === row ? r : row;
  // The losing side's name (kind, category) is kept as an earlier version of the label,
  // superseded when the later of the two changes was made (by the clocks that stamped them).
  if (!sameLabelContent(winner, loser)) {
    const at = Math.max(changedAt(winner), changedAt(loser));
    await insertVersion(client, { ...versionOf(loser, 'conflict', at), label_uid: r.uid });
  }
  const name = await nameFree(client, winner);
  await writeLabel(client, 'update', {
    ...winner,
    uid: r.uid,
    name,
    embedding: winner.embedding ?? (winner === row ? r.embedding : row.embedding),
    version: Math.max(row.version, r.version) + 1,
  });
  out.outcomes.push({ kind: 'label', uid: l.uid, base: null, adoptUid });
}

/** A label's state as a history row, under a fresh uid. */
function versionOf(
  l: SyncLabel,
  reason: SyncLabelVersion['reason'],
  at: number,
  mergedInto: string | null = null,
): SyncLabelVersion {
  return {
    uid: randomUUID(),
    label_uid: l.uid,
    space: l.space,
    name: l.name,
    kind: l.kind,
    category: l.category,
    version: l.version,
    updated_at: l.updated_at,
    origin_device: l.origin_device,
    superseded_at: at,
    reason,
    merged_into: mergedInto,
  };
}

async function pushVersion(
  client: pg.ClientBase,
  v: LocalLabelVersion,
  adopted: Map<string, string>,
  out: PushResult,
): Promise<void> {
  const mapped: SyncLabelVersion = {
    ...v,
    label_uid: adopted.get(v.label_uid) ?? v.label_uid,
    merged_into: v.merged_into && (adopted.get(v.merged_into) ?? v.merged_into),
  };
  const { uid, change_seq } = await insertVersion(client, mapped);
  out.outcomes.push({
    kind: 'version',
    uid: v.uid,
    base: change_seq,
    adoptUid: uid === v.uid ? undefined : uid,
  });
}

/**
 * Inserts a label version unless Postgres holds it already: by uid (pushed before), or the same
 * state of the same label superseded for the same reason (two devices renamed the label from
 * the one state they both had). Returns the row Postgres keeps.
 */
async function insertVersion(
  client: pg.ClientBase,
  v: SyncLabelVersion,
): Promise<{ uid: string; change_seq: number }> {
  const found = await client.query<{ uid: string; change_seq: string }>(
    `SELECT uid::text AS uid, change_seq FROM label_versions
     WHERE uid = $1 OR (label_uid = $2 AND space = $3 AND name = $4 AND kind = $5
       AND category IS NOT DISTINCT FROM $6 AND version = $7 AND origin_device = $8 AND reason = $9
       AND merged_into IS NOT DISTINCT FROM $10::uuid)
     ORDER BY uid = $1 DESC, change_seq LIMIT 1`,
    [
      v.uid,
      v.label_uid,
      v.space,
      v.name,
      v.kind,
      v.category,
      v.version,
      v.origin_device,
      v.reason,
      v.merged_into,
    ],
  );
  const row =
    found.rows[0] ??
    (
      await client.query<{ uid: string; change_seq: string }>(
        `INSERT INTO label_versions (uid, label_uid, space, name, kind, category, version, updated_at,
           origin_device, superseded_at, reason, merged_into)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING uid::text AS uid, change_seq`,
        [
          v.uid,
          v.label_uid,
          v.space,
          v.name,
          v.kind,
          v.category,
          v.version,
          v.updated_at,
          v.origin_device,
          v.superseded_at,
          v.reason,
          v.merged_into,
        ],
      )
    ).rows[0]!;
  return { uid: row.uid, change_seq: Number(row.change_seq) };
}

/** The label's name, or a free variant when another live label took it meanwhile. */
async function nameFree(client: pg.ClientBase, l: SyncLabel): Promise<string> {
  if (l.deleted_at !== null) return l.name;
  return (await liveLabelNamed(client, l.space, l.name, l.uid))
    ? freeLabelName(client, l.space, l.name)
    : l.name;
}

async function writeLabel(client: pg.ClientBase, how: 'insert' | 'update', l: SyncLabel): Promise<number> {
  const values = [
    l.uid,
    l.space,
    l.name,
    l.kind,
    l.category,
    vectorToPg(l.embedding),
    l.vector_count,
    l.created_at,
    l.updated_at,
    l.deleted_at,
    l.version,
    l.origin_device,
  ];
  const sql =
    how === 'insert'
      ? `INSERT INTO labels (uid, space, name, kind, category, embedding, vector_count, created_at, updated_at,
           deleted_at, version, origin_device) VALUES ($1, $2, $3, $4, $5, $6::vector, $7, $8, $9, $10, $11, $12)
         RETURNING change_seq`
      : `UPDATE labels SET space = $2, name = $3, kind = $4, category = $5,
           embedding = coalesce($6::vector, embedding), vector_count = $7, created_at = $8, updated_at = $9,
           deleted_at = $10, version = $11, origin_device = $12 WHERE uid = $1 RETURNING change_seq`;
  const r = await client.query<{ change_seq: string }>(sql, values);
  return Number(r.rows[0]!.change_seq);
}

async function pushFact(client: pg.ClientBase, l: LocalFact, r: RemoteFact, out: PushResult): Promise<void> {
  const done = (base: number | null) => out.outcomes.push({ kind: 'fact', uid: l.uid, base });
  if (isPurged(r)) {
    // Purged elsewhere: the purge wins. Touch it so this device pulls it (and purges) again.
    await client.query('UPDATE facts SET version = version + 1 WHERE uid = $1', [r.uid]);
    done(null);
    return;
  }
  if (sameFact(l, r)) {
    done(r.change_seq);
    return;
  }
  if (l.remote_seq === r.change_seq) {
    const kept = keptEmbedding(l, r);
    const seq = await writeFact(client, 'update', { ...l, ...kept });
    // A vector Postgres had and we lack comes back by pull.
    done(kept.embedded_model === l.embedded_model ? seq : null);
    return;
  }
  out.conflicts++;
  const localWins = wins(l, r);
  const winner: SyncFact = localWins ? l : r;
  const loser: SyncFact = localWins ? r : l;
  await writeFact(client, 'update', {
    ...winner,
    ...keptEmbedding(winner, loser),
    uid: r.uid,
    version: Math.max(l.version, r.version) + 1,
  });
  if (!sameFactContent(winner, loser)) {
    await writeFact(client, 'insert', {
      ...loser,
      uid: randomUUID(),
      superseded_by: winner.superseded_by ?? winner.uid,
      // An earlier wording of the winner, stopped now (Postgres's trigger stamps the time).
      superseded_at: null,
      supersede_reason: 'edited',
      version: 1,
    });
  }
  done(null);
}

/** Inserts new facts in one statement; returns each one's change_seq by uid. */
async function insertFacts(client: pg.ClientBase, facts: SyncFact[]): Promise<Map<string, number>> {
  if (facts.length === 0) return new Map();
  const rows = facts.map((f) => ({
    ...f,
    embedding: vectorToPg(f.embedding),
    embedded_model: f.embedding ? f.embedded_model : null,
  }));
  const r = await client.query<{ uid: string; change_seq: string }>(
    `INSERT INTO facts (uid, space, content, content_hash, category, confidence, label_uid, source, created_at,
       updated_at, deleted_at, superseded_by, superseded_at, supersede_reason, embedding, embedded_model, version,
       origin_device)
     SELECT uid, space, content, content_hash, category, confidence, label_uid, source, created_at, updated_at,
       deleted_at, superseded_by, superseded_at, supersede_reason, embedding::vector, embedded_model, version,
       origin_device
     FROM jsonb_to_recordset($1::jsonb) AS x(uid uuid, space text, content text, content_hash text,
       category text, confidence real, label_uid uuid, source text, created_at bigint, updated_at bigint,
       deleted_at bigint, superseded_by uuid, superseded_at bigint, supersede_reason text, embedding text,
       embedded_model text, version bigint, origin_device text)
     RETURNING uid::text AS uid, change_seq`,
    [JSON.stringify(rows)],
  );
  return new Map(r.rows.map((row) => [row.uid, Number(row.change_seq)]));
}

async function writeFact(client: pg.ClientBase, how: 'insert' | 'update', f: SyncFact): Promise<number> {
  const values = [
    f.uid,
    f.space,
    f.content,
    f.content_hash,
    f.category,
    f.confidence,
    f.label_uid,
    f.source,
    f.created_at,
    f.updated_at,
    f.deleted_at,
    f.superseded_by,
    vectorToPg(f.embedding),
    f.embedding ? f.embedded_model : null,
    f.version,
    f.origin_device,
    f.superseded_at,
    f.supersede_reason,
  ];
  const sql =
    how === 'insert'
      ? `INSERT INTO facts (uid, space, content, content_hash, category, confidence, label_uid, source, created_at,
           updated_at, deleted_at, superseded_by, embedding, embedded_model, version, origin_device, superseded_at,
           supersede_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::vector, $14, $15, $16, $17, $18)
         RETURNING change_seq`
      : `UPDATE facts SET space = $2, content = $3, content_hash = $4, category = $5, confidence = $6,
           label_uid = $7, source = $8, created_at = $9, updated_at = $10, deleted_at = $11, superseded_by = $12,
           embedding = $13::vector, embedded_model = $14, version = $15, origin_device = $16, superseded_at = $17,
           supersede_reason = $18
         WHERE uid = $1 RETURNING change_seq`;
  const r = await client.query<{ change_seq: string }>(sql, values);
  return Number(r.rows[0]!.change_seq);
}

/**
 * A purged fact's row keeps its uid and loses everything it said; a label merged away is
 * marked deleted. Both move change_seq, so every device pulls them.
 */
async function pushTombstone(client: pg.ClientBase, t: Tombstone, device: string): Promise<void> {
  if (t.kind === 'fact') {
    await client.query(
      `UPDATE facts SET content = '', content_hash = $2, source = NULL, label_uid = NULL, superseded_by = NULL,
         embedding = NULL, embedded_model = NULL, deleted_at = coalesce(deleted_at, $3),
         updated_at = greatest(updated_at, $3), version = version + 1, origin_device = $4
       WHERE uid = $1 AND content_hash <> $2`,
      [t.uid, PURGED_HASH, t.deleted_at, device],
    );
  } else {
    await keepMergedAwayState(client, t);
    await client.query(
      `UPDATE labels SET deleted_at = $2, updated_at = greatest(updated_at, $2), version = version + 1,
         origin_device = $3 WHERE uid = $1 AND deleted_at IS NULL`,
      [t.uid, t.deleted_at, device],
    );
  }
}

/**
 * A label merged away on a device that had not seen its latest state (renamed elsewhere
 * meanwhile): the merge wins, and the state Postgres holds is kept as a version merged into the
 * same label, so the rename's name stays findable there.
 */
async function keepMergedAwayState(client: pg.ClientBase, t: Tombstone): Promise<void> {
  const live = (await fetchLabels(client, [t.uid])).get(t.uid);
  if (!live || live.deleted_at !== null) return;
  const merged = await client.query<{
    name: string;
    kind: string;
    category: string | null;
    merged_into: string;
  }>(
    `SELECT name, kind, category, merged_into::text AS merged_into FROM label_versions
     WHERE label_uid = $1 AND reason = 'merged' ORDER BY change_seq DESC LIMIT 1`,
    [t.uid],
  );
  const m = merged.rows[0];
  if (!m || (m.name === live.name && m.kind === live.kind && m.category === live.category)) return;
  await insertVersion(client, versionOf(live, 'merged', t.deleted_at, m.merged_into));
}
