/**
 * Supersede, its undo, a fact's history along its supersede chain, and possible updates, in
 * Postgres: the same rules, messages and answers as SQLite's Memory (memory.ts, encode.ts,
 * fact-versions.ts, possible-updates.ts). Facts link by uid; the integer ids shown are this
 * store's own.
 */
import type pg from 'pg';
import type { FactVersion, PossibleUpdate, SupersedeInput } from '../../shared/contract';
import { HippoError } from '../../shared/errors';
import { HISTORY_MAX_VERSIONS, newestFirst, versionRecord } from '../memory/fact-versions';
import type { MemoryTuning } from '../memory/memory-context';
import {
  POSSIBLE_UPDATES_SCAN,
  rankPossibleUpdates,
  wordsOf,
  type UpdateSubject,
} from '../memory/possible-updates';
import { NOT_PURGED, factSelect, inPgWrite, type FactQueryRow } from './pg-fact-rows';
import type { PgFactDeps } from './pg-facts';

/** A fact row with what the chain needs: its superseder's uid and local id. */
interface ChainRow extends FactQueryRow {
  superseded_by_uid: string | null;
  superseded_by_id: string | null;
  label_uid: string | null;
  content_hash: string;
}

const CHAIN_SELECT = factSelect(
  `f.superseded_by::text AS superseded_by_uid, f.label_uid::text AS label_uid,
       (SELECT s.id FROM facts s WHERE s.uid = f.superseded_by) AS superseded_by_id`,
);

/** A fact of the space, current or not, that is not an earlier wording (Memory.chainFact). */
async function chainFact(
  q: pg.ClientBase | pg.Pool,
  id: number,
  space: string,
  field = 'id',
): Promise<ChainRow> {
  const r = await q.query<ChainRow>(`${CHAIN_SELECT} WHERE f.id = $1 AND f.space = $2 AND ${NOT_PURGED}`, [
    id,
    space,
  ]);
  const row = r.rows[0];
  if (!row || row.supersede_reason === 'edited')
    throw new HippoError(
      'NOT_FOUND',
      `${field === 'id' ? '' : `${field}: `}no fact with id ${id} in space "${space}"`,
    );
  return row;
}

/** A current fact, for supersede's ids and encode's `supersedes` (same checks as SQLite's). */
export async function pgRequireCurrent(
  q: pg.ClientBase | pg.Pool,
  id: number,
  space: string,
  field: string,
): Promise<ChainRow> {
  const row = await chainFact(q, id, space, field);
  if (row.superseded_by_uid !== null)
    throw new HippoError(
      'BAD_INPUT',
      `${field}: fact ${id} was already superseded by fact ${row.superseded_by_id ?? '?'}`,
    );
  if (row.deleted_at !== null)
    throw new HippoError('BAD_INPUT', `${field}: fact ${id} is forgotten; restore it first`);
  return row;
}

/** Marks the fact with uid oldUid superseded by newUid at `at`, as a change every device pulls. */
export async function pgMarkSuperseded(
  client: pg.ClientBase,
  oldUid: string,
  newUid: string,
  at: number,
  device: string,
): Promise<void> {
  await client.query(
    `UPDATE facts SET superseded_by = $2::uuid, superseded_at = $3, supersede_reason = 'superseded',
       updated_at = $3, version = version + 1, origin_device = $4 WHERE uid = $1::uuid`,
    [oldUid, newUid, at, device],
  );
}

/** Memory.supersede: old_id leaves recall, superseded by new_id. Answers nothing; the caller reads new_id. */
export async function pgSupersede(deps: PgFactDeps, p: SupersedeInput, space: string): Promise<void> {
  if (p.old_id === p.new_id)
    throw new HippoError('BAD_INPUT', `new_id: fact ${p.old_id} cannot supersede itself`);
  await inPgWrite(deps.pool, async (client) => {
    const old = await pgRequireCurrent(client, p.old_id, space, 'old_id');
    const next = await pgRequireCurrent(client, p.new_id, space, 'new_id');
    await pgMarkSuperseded(client, old.uid, next.uid, deps.now(), deps.device);
  });
}

/** Memory.unsupersede: the fact is current again; the one that replaced it stays. */
export async function pgUnsupersede(deps: PgFactDeps, id: number, space: string): Promise<void> {
  await inPgWrite(deps.pool, async (client) => {
    const row = await chainFact(client, id, space);
    if (row.superseded_by_uid === null || row.supersede_reason !== 'superseded')
      throw new HippoError('BAD_INPUT', `fact ${id} is not superseded; there is nothing to undo`);
    const twin = await client.query<{ id: string }>(
      `SELECT id FROM facts WHERE space = $1 AND content_hash = $2 AND deleted_at IS NULL AND superseded_by IS NULL
        ORDER BY id LIMIT 1`,
      [row.space, row.content_hash],
    );
    if (twin.rows[0])
      throw new HippoError(
        'BAD_INPUT',
        `fact ${id} cannot be made current again: fact ${twin.rows[0].id} already holds the same content`,
      );
    await client.query(
      `UPDATE facts SET superseded_by = NULL, superseded_at = NULL, supersede_reason = NULL, updated_at = $2,
         version = version + 1, origin_device = $3 WHERE uid = $1::uuid`,
      [row.uid, deps.now(), deps.device],
    );
  });
}

/** Memory.history: the other versions of the fact's supersede chain and their wordings, newest first. */
export async function pgFactVersions(pool: pg.Pool, id: number, space: string): Promise<FactVersion[]> {
  const start = await chainFact(pool, id, space);
  const chain = new Map<string, ChainRow>([[start.uid, start]]);
  let frontier = [start];
  while (frontier.length > 0 && chain.size < HISTORY_MAX_VERSIONS) {
    const uids = frontier.map((f) => f.uid);
    const forward = frontier
      .filter((f) => f.supersede_reason === 'superseded' && f.superseded_by_uid !== null)
      .map((f) => f.superseded_by_uid!);
    const r = await pool.query<ChainRow>(
      `${CHAIN_SELECT} WHERE ${NOT_PURGED} AND (f.uid = ANY($1::uuid[])
         OR (f.superseded_by = ANY($2::uuid[]) AND f.supersede_reason = 'superseded'))`,
      [forward, uids],
    );
    frontier = r.rows.filter((row) => !chain.has(row.uid));
    for (const row of frontier) chain.set(row.uid, row);
  }
  const wordings = await pool.query<ChainRow>(
    `${CHAIN_SELECT} WHERE f.superseded_by = ANY($1::uuid[]) AND f.supersede_reason = 'edited' AND ${NOT_PURGED}`,
    [[...chain.keys()]],
  );
  const byOwner = new Map<string, ChainRow[]>();
  for (const w of wordings.rows)
    byOwner.set(w.superseded_by_uid!, [...(byOwner.get(w.superseded_by_uid!) ?? []), w]);
  const out: FactVersion[] = [];
  const ref = (r: ChainRow) => (r.superseded_by_id === null ? null : Number(r.superseded_by_id));
  for (const f of chain.values()) {
    const own = byOwner.get(f.uid) ?? [];
    const reworded = own.reduce<number | null>(
      (t, w) => Math.max(t ?? 0, Number(w.superseded_at ?? 0)),
      null,
    );
    out.push(versionRecord(f, ref(f), reworded));
    for (const w of own) out.push(versionRecord(w, ref(w)));
  }
  return out.sort(newestFirst).filter((v) => v.id !== id);
}

/** Facts examined by the word rule when text-only: the newest current ones beginning with the same word. */
const WORD_RULE_SCAN = 200;

/**
 * findPossibleUpdates (possible-updates.ts) in Postgres: candidates are the nearest current facts
 * by the new fact's vector, or text-only, current facts beginning with its first word (the rule
 * needs two shared first words); both ranked by rankPossibleUpdates.
 */
export async function pgPossibleUpdates(
  pool: pg.Pool,
  id: number,
  model: string | null,
  tuning: Pick<MemoryTuning, 'updateThreshold' | 'mergeThreshold'>,
): Promise<PossibleUpdate[]> {
  const self = await pool.query<{
    content: string;
    category: string;
    label_uid: string | null;
    space: string;
    embedded: boolean;
  }>(
    `SELECT content, category, label_uid::text AS label_uid, space, embedded_model = $2 AS embedded FROM facts WHERE id = $1`,
    [id, model],
  );
  const row = self.rows[0];
  if (!row) return [];
  const subject: UpdateSubject = { id, content: row.content, category: row.category, label: row.label_uid };
  type Candidate = {
    id: string;
    content: string;
    category: string;
    label_uid: string | null;
    cosine: number | null;
  };
  let candidates: Candidate[];
  const current = `f.space = $1 AND f.deleted_at IS NULL AND f.superseded_by IS NULL AND ${NOT_PURGED} AND f.id <> $2`;
  if (model && row.embedded) {
    const r = await pool.query<Candidate>(
      `SELECT f.id, f.content, f.category, f.label_uid::text AS label_uid, 1 - (f.embedding <=> n.embedding) AS cosine
         FROM facts f, (SELECT embedding FROM facts WHERE id = $2) n
        WHERE ${current} AND f.embedded_model = $3
        ORDER BY f.embedding <=> n.embedding LIMIT $4`,
      [row.space, id, model, POSSIBLE_UPDATES_SCAN],
    );
    candidates = r.rows;
  } else {
    const first = wordsOf(row.content)[0];
    if (!first) return [];
    const r = await pool.query<Candidate>(
      `SELECT f.id, f.content, f.category, f.label_uid::text AS label_uid, NULL::float8 AS cosine FROM facts f
        WHERE ${current} AND lower(f.content) LIKE $3 ESCAPE '\\' ORDER BY f.id DESC LIMIT $4`,
      [row.space, id, `%${first.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, WORD_RULE_SCAN],
    );
    candidates = r.rows;
  }
  return rankPossibleUpdates(
    subject,
    candidates.map((c) => ({
      row: { id: Number(c.id), content: c.content, category: c.category, label: c.label_uid },
      cosine: c.cosine === null ? null : Number(c.cosine),
    })),
    tuning,
  );
}
