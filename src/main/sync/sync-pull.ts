import type pg from 'pg';
import type { LocalSide } from './sync-local';
import { fetchFacts, fetchLabels } from './sync-push';
import {
  SELECT_FACTS,
  SELECT_LABELS,
  SELECT_LABEL_VERSIONS,
  factFromPg,
  labelFromPg,
  labelVersionFromPg,
  type RemoteFact,
  type RemoteLabel,
  type RemoteLabelVersion,
} from './sync-rows';

/** Rows changed in Postgres after the cursor, not yet pulled. */
export async function remoteChangesAfter(pool: pg.Pool, cursor: number): Promise<number> {
  const r = await pool.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM facts WHERE change_seq > $1) + (SELECT count(*) FROM labels WHERE change_seq > $1)
       + (SELECT count(*) FROM label_versions WHERE change_seq > $1) AS n`,
    [cursor],
  );
  return Number(r.rows[0]!.n);
}

export interface PullResult {
  /** Rows read from Postgres in this batch (0: caught up). */
  read: number;
  /** Rows that changed something here. */
  applied: number;
  cursor: number;
}

type Pulled =
  | { kind: 'label'; row: RemoteLabel }
  | { kind: 'fact'; row: RemoteFact }
  | { kind: 'version'; row: RemoteLabelVersion };

/**
 * Pulls the next `limit` rows by change_seq (facts, labels and label versions share the sequence) and applies
 * them here in one SQLite transaction that also moves the cursor. Writers commit change_seq
 * values in order (they hold the write lock), so reading "after the cursor" never skips a row
 * committed late. Labels and older facts that these rows refer to and this device lacks are
 * fetched as they are now, and applied first.
 */
export async function pullBatch(
  pool: pg.Pool,
  local: LocalSide,
  remote: string,
  cursor: number,
  limit: number,
): Promise<PullResult> {
  const after = `WHERE change_seq > $1 ORDER BY change_seq LIMIT $2`;
  const [lr, fr, vr] = await Promise.all([
    pool.query(`${SELECT_LABELS} ${after}`, [cursor, limit]),
    pool.query(`${SELECT_FACTS} ${after}`, [cursor, limit]),
    pool.query(`${SELECT_LABEL_VERSIONS} ${after}`, [cursor, limit]),
  ]);
  const merged: Pulled[] = [
    ...lr.rows.map((r): Pulled => ({ kind: 'label', row: labelFromPg(r) })),
    ...fr.rows.map((r): Pulled => ({ kind: 'fact', row: factFromPg(r) })),
    ...vr.rows.map((r): Pulled => ({ kind: 'version', row: labelVersionFromPg(r) })),
  ]
    .sort((a, b) => a.row.change_seq - b.row.change_seq)
    .slice(0, limit);
  if (merged.length === 0) return { read: 0, applied: 0, cursor };
  const labels = merged.flatMap((m) => (m.kind === 'label' ? [m.row] : []));
  const facts = merged.flatMap((m) => (m.kind === 'fact' ? [m.row] : []));
  const versions = merged.flatMap((m) => (m.kind === 'version' ? [m.row] : []));
  const next = merged.at(-1)!.row.change_seq;

  const client = await pool.connect();
  try {
    let wanted: RemoteFact[] = facts;
    for (let depth = 0; depth < 8 && wanted.length > 0; depth++) {
      const haveL = new Set(labels.map((l) => l.uid));
      const haveF = new Set(facts.map((f) => f.uid));
      const labelRefs = [
        ...new Set(wanted.map((f) => f.label_uid).filter((u): u is string => !!u && !haveL.has(u))),
      ];
      const factRefs = [
        ...new Set(wanted.map((f) => f.superseded_by).filter((u): u is string => !!u && !haveF.has(u))),
      ];
      const knownL = local.knownLabelUids(labelRefs);
      const knownF = local.knownFactUids(factRefs);
      const moreL = await fetchLabels(
        client,
        labelRefs.filter((u) => !knownL.has(u)),
      );
      const moreF = await fetchFacts(
        client,
        factRefs.filter((u) => !knownF.has(u)),
      );
      labels.unshift(...moreL.values());
      wanted = [...moreF.values()];
      facts.unshift(...wanted);
    }
  } finally {
    client.release();
  }
  const { applied } = local.applyPulled(remote, labels, facts, versions, next);
  return { read: merged.length, applied, cursor: next };
}
