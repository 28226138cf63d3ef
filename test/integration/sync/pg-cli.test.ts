import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncodeOutput } from '../../../src/cli/encode-command';
import type { RecallOutput } from '../../../src/cli/recall-command';
import { PG_MIGRATIONS } from '../../../src/main/sync/pg-migrations';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import { json, runBin, runCli, sandbox, type Sandbox } from '../cli/cli-harness';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

let box: Sandbox;
let server: PgTestServer;

beforeAll(async () => {
  box = sandbox('lexical');
  server = await startPgServer();
});

afterAll(async () => {
  await server?.close();
  box?.cleanup();
});

const SECRET = 'hunter2-not-shown';

describe('hippo encode / recall --store postgres', () => {
  it('encodes into Postgres and recalls from it; the SQLite file stays untouched', async () => {
    const enc = await runCli(
      [
        'encode',
        'My',
        'sister',
        'lives',
        'in',
        'Lisbon',
        '--category',
        'family',
        '--store',
        'postgres',
        '--pg',
        server.url,
        '--json',
      ],
      { env: box.env },
    );
    expect(enc.stderr).toBe('');
    expect(enc.code).toBe(0);
    expect(json<EncodeOutput>(enc)).toEqual({ id: 1, status: 'created', label: null, mode: 'hybrid' });

    // HIPPO_PG_URL supplies the server once Postgres is chosen.
    const enc2 = await runCli(['encode', 'Green tea every morning', '--store', 'postgres', '--json'], {
      env: { ...box.env, HIPPO_PG_URL: server.url },
    });
    expect(json<EncodeOutput>(enc2)).toMatchObject({ id: 2, status: 'created' });

    // --pg alone implies the Postgres store.
    const rec = await runCli(
      ['recall', 'where', 'does', 'my', 'sister', 'live', '--pg', server.url, '--json'],
      {
        env: box.env,
      },
    );
    expect(rec.code).toBe(0);
    const out = json<RecallOutput>(rec);
    expect(out.mode).toBe('hybrid');
    expect(out.results[0]).toMatchObject({
      fact_id: 1,
      content: 'My sister lives in Lisbon',
      category: 'family',
    });

    // Without --store/--pg the SQLite file answers, and it holds none of these.
    const local = await runCli(['recall', 'Lisbon', '--json'], {
      env: { ...box.env, HIPPO_PG_URL: server.url },
    });
    expect(json<RecallOutput>(local).results).toEqual([]);

    const store = await PostgresStore.open({ url: server.url, embedder: null });
    try {
      const n = await store.pool.query('SELECT count(*)::int AS n FROM facts');
      expect(n.rows[0].n).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('runs through the built binary too, with --batch', async () => {
    const r = await runBin(['recall', '--store', 'postgres', '--batch', '-'], {
      env: { ...box.env, HIPPO_PG_URL: server.url },
      stdin: '{"query": "tea"}\n{"query": "Lisbon", "limit": 1}\n',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Array<{ content: string }>);
    expect(lines[0]![0]!.content).toBe('Green tea every morning');
    expect(lines[1]!.map((x) => x.content)).toEqual(['My sister lives in Lisbon']);
  });

  it('list, forget, restore and stats work on the Postgres store', async () => {
    const env = { ...box.env, HIPPO_PG_URL: server.url };
    const listed = json<{ facts: Array<{ id: number; content: string }>; total: number }>(
      await runCli(['list', '--store', 'postgres', '--json'], { env }),
    );
    expect(listed.total).toBe(2);
    expect(listed.facts.map((f) => f.content)).toEqual([
      'Green tea every morning',
      'My sister lives in Lisbon',
    ]);

    const forgot = await runCli(['forget', '2', '--store', 'postgres'], { env });
    expect(forgot.code).toBe(0);
    expect(forgot.stdout).toMatch(
      /^Forgot #2 \(undo with: hippo restore 2\)\n#2 .*Green tea every morning.*\(forgotten\)/,
    );
    const afterForget = json<RecallOutput>(
      await runCli(['recall', 'tea', '--store', 'postgres', '--json'], { env }),
    );
    expect(afterForget.results.map((r) => r.content)).not.toContain('Green tea every morning');
    const stats = json<{ facts: number; deleted: number; schema_version: number; db_path: string }>(
      await runCli(['stats', '--store', 'postgres', '--json'], { env }),
    );
    expect(stats).toMatchObject({ facts: 1, deleted: 1, schema_version: PG_MIGRATIONS.at(-1)!.version });
    expect(stats.db_path).toMatch(/^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres$/);

    expect((await runCli(['restore', '2', '--store', 'postgres'], { env })).code).toBe(0);
    const back = json<RecallOutput>(
      await runCli(['recall', 'tea', '--store', 'postgres', '--json'], { env }),
    );
    expect(back.results[0]!.content).toBe('Green tea every morning');
    const missing = await runCli(['forget', '999', '--store', 'postgres'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/NOT_FOUND: no fact with id 999 in space "personal"/);
  });

  it('refuses a missing or bad URL as BAD_INPUT (exit 2), never printing the password', async () => {
    const none = await runCli(['recall', 'tea', '--store', 'postgres'], { env: box.env });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/hippo recall: BAD_INPUT: --store postgres needs a server: give --pg/);

    const bad = await runCli(['encode', 'x', '--pg', `mysql://me:${SECRET}@db/x`], { env: box.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/must start with postgres:\/\/ or postgresql:\/\//);
    expect(bad.stderr).not.toContain(SECRET);

    const both = await runCli(['recall', 'tea', '--store', 'sqlite', '--pg', server.url], { env: box.env });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--pg needs --store postgres/);
  });

  it('says which server cannot be reached (exit 1), never printing the password', async () => {
    const probe = createServer();
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
    );
    await new Promise((r) => probe.close(r));
    const r = await runCli(['recall', 'tea', '--pg', `postgres://me:${SECRET}@127.0.0.1:${port}/hippo`], {
      env: box.env,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `hippo recall: DB_ERROR: cannot reach Postgres at 127.0.0.1:${port}: connection refused (is the server running and listening on that port?)\n`,
    );
  });
});

describe('hippo db explain', () => {
  it('prints the plans of the vector step (HNSW) and the word step', async () => {
    // Enough facts that the planner prefers the indexes to a scan and sort (written straight
    // in SQL, as sync would, with deterministic vectors: any vectors do for a plan). The HNSW
    // index is rebuilt in bulk with migration 0001's definition: inserting 8,000 rows into it one
    // by one takes about a minute under WASM.
    const store = await PostgresStore.open({ url: server.url, embedder: null });
    try {
      const def = await store.pool.query<{ indexdef: string }>(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'facts_embedding_hnsw'",
      );
      await store.pool.query('DROP INDEX facts_embedding_hnsw');
      await store.pool.query(
        `INSERT INTO facts (uid, space, content, content_hash, category, confidence, created_at, updated_at,
                            embedding, embedded_model, origin_device)
         SELECT gen_random_uuid(), 'personal',
                'Note ' || i || ': ' || (ARRAY['tea', 'coffee', 'trains', 'Lisbon', 'cats', 'rust'])[1 + i % 6],
                'h' || i, 'general', 1, 0, 0,
                (SELECT array_agg(sin(i * 0.37 + k))::vector FROM generate_series(1, 384) k),
                (SELECT embedded_model FROM facts WHERE embedded_model IS NOT NULL LIMIT 1), 'other-device'
           FROM generate_series(1, 8000) i`,
      );
      await store.pool.query(def.rows[0]!.indexdef);
      await store.pool.query('ANALYZE');
    } finally {
      await store.close();
    }
    const r = await runCli(['db', 'explain', 'tea', 'in', 'Lisbon', '--pg', server.url], { env: box.env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/-- vector step\n\s*SELECT v\.id, v\.distance FROM \(/);
    expect(r.stdout).toMatch(/Index Scan using facts_embedding_hnsw on facts/);
    // The plan names the query vector instead of printing its 384 numbers on every node.
    expect(r.stdout).toContain("'[query vector]'::vector");
    expect(r.stdout).not.toMatch(/'\[-?\d/);
    expect(r.stdout).toMatch(/-- words step\n/);
    expect(r.stdout).toMatch(/fact_terms_pkey/);
    expect(r.stdout).toMatch(/Buffers: shared hit=/);
    expect(r.stdout).toMatch(/Execution Time: /);

    const j = await runCli(['db', 'explain', 'tea', '--json'], {
      env: { ...box.env, HIPPO_PG_URL: server.url },
    });
    const steps = json<Array<{ step: string; plan: string }>>(j);
    expect(steps.map((s) => s.step)).toEqual(['vector', 'words']);

    // Postgres's own word ranking runs on the seed's gin index.
    const gin = await runCli(
      ['db', 'explain', 'tea', 'Lisbon', '--words', 'ts_rank_cd', '--pg', server.url],
      {
        env: box.env,
      },
    );
    expect(gin.code).toBe(0);
    expect(gin.stdout).toMatch(/ts_rank_cd\(to_tsvector\('english', f\.content\), q\)/);
    expect(gin.stdout).toMatch(/Bitmap Index Scan on facts_content_fts/);
  }, 180_000);

  it('db index switches the vector index to ivfflat and back, and recall keeps working', async () => {
    const ivf = await runCli(['db', 'index', 'ivfflat', '--pg', server.url, '--json'], { env: box.env });
    expect(ivf.stderr).toBe('');
    expect(json<{ kind: string; lists: number }>(ivf)).toEqual({ kind: 'ivfflat', lists: 8 });
    const plan = await runCli(['db', 'explain', 'tea', '--pg', server.url], { env: box.env });
    expect(plan.stdout).toMatch(/facts_embedding_ivfflat|Seq Scan on facts/);
    const rec = await runCli(['recall', 'sister', 'Lisbon', '--pg', server.url, '--json'], { env: box.env });
    expect(json<RecallOutput>(rec).results[0]!.content).toBe('My sister lives in Lisbon');

    const back = await runCli(['db', 'index', 'hnsw', '--pg', server.url], { env: box.env });
    expect(back.stdout).toBe('facts now use an HNSW index\n');
    const bad = await runCli(['db', 'index', 'btree', '--pg', server.url], { env: box.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/KIND must be hnsw or ivfflat, got "btree"/);
  }, 180_000);
});
