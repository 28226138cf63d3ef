import { Command, Option } from 'commander';
import { createNodeEmbedder } from '../main/embedder/embedder-client';
import type { WordRanking } from '../main/sync/pg-recall';
import { PostgresStore } from '../main/sync/postgres-store';
import { HippoError } from '../shared/errors';
import { writeJson } from './cli-io';
import type { CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import { definedOnly, parseInteger } from './parse-options';
import { resolveStore } from './store-options';

interface ExplainOptions {
  pg?: string;
  words?: WordRanking;
  limit?: number;
  category?: string;
  json?: boolean;
}

/** `hippo db explain QUERY`: the Postgres plans of recall's queries. */
export function dbCommand(ctx: CommandContext): Command {
  const db = new Command('db').summary('inspect the Postgres store');
  db.addCommand(
    new Command('explain')
      .summary("print EXPLAIN (ANALYZE, BUFFERS) of recall's queries for QUERY on Postgres")
      .description(
        'Runs EXPLAIN (ANALYZE, BUFFERS) on each query recall sends to Postgres for QUERY (the vector ' +
          'step, which should use the HNSW index facts_embedding_hnsw, and the word step, which reads ' +
          'fact_terms by its primary key), with the same settings and parameters recall uses.',
      )
      .argument('<query...>', 'what recall would look for')
      .option('--pg <url>', 'the Postgres server (default: $HIPPO_PG_URL)')
      .option('-n, --limit <n>', 'results recall would return (sets the candidate depth)', parseInteger)
      .option('-c, --category <name>', 'explain with this category filter')
      .addOption(
        new Option(
          '--words <ranking>',
          "word step to explain: bm25 (recall's, over fact_terms) or ts_rank_cd (Postgres's own, on the gin index)",
        )
          .choices(['bm25', 'ts_rank_cd'])
          .default('bm25'),
      )
      .option('--json', 'print [{step, sql, plan}] as JSON')
      .action((words: string[], opts: ExplainOptions, cmd: Command) =>
        ctx.run(cmd, async () => {
          const choice = resolveStore({ store: 'postgres', pg: opts.pg }, ctx.io.env);
          if (choice.kind !== 'postgres') throw new HippoError('INTERNAL', 'db explain needs Postgres');
          const embedder = createNodeEmbedder({ env: ctx.io.env });
          let store: PostgresStore | null = null;
          try {
            store = await PostgresStore.open({
              url: choice.url,
              embedder,
              space: ctx.globals(cmd).space,
              wordRanking: opts.words,
            });
            const steps = await store.explainRecall(
              words.join(' '),
              definedOnly({ limit: opts.limit, category: opts.category }),
            );
            if (opts.json) writeJson(ctx.io.stdout, steps);
            else {
              if (store.mode === 'text-only')
                ctx.io.stdout.write(
                  '-- no embedding model: recall runs on words only, so no vector step\n\n',
                );
              for (const s of steps) ctx.io.stdout.write(`-- ${s.step} step\n${s.sql}\n\n${s.plan}\n\n`);
            }
            return EXIT_OK;
          } finally {
            await store?.close();
            await embedder.close();
          }
        }),
      ),
  );
  db.addCommand(
    new Command('index')
      .summary("rebuild the facts' vector index as hnsw (default) or ivfflat on Postgres")
      .description(
        'Replaces the cosine index on fact embeddings. hnsw (the default) needs no upkeep; ivfflat builds ' +
          'faster and smaller, with lists chosen from the row count (rows/1000 up to a million rows, ' +
          'sqrt(rows) above) and recall probing sqrt(lists) of them: rebuild it after the table grows a lot.',
      )
      .argument('<kind>', 'hnsw or ivfflat')
      .option('--pg <url>', 'the Postgres server (default: $HIPPO_PG_URL)')
      .option('--json', 'print {kind, lists?} as JSON')
      .action((kind: string, opts: { pg?: string; json?: boolean }, cmd: Command) =>
        ctx.run(cmd, async () => {
          if (kind !== 'hnsw' && kind !== 'ivfflat')
            throw new HippoError('BAD_INPUT', `KIND must be hnsw or ivfflat, got "${kind}"`);
          const choice = resolveStore({ store: 'postgres', pg: opts.pg }, ctx.io.env);
          if (choice.kind !== 'postgres') throw new HippoError('INTERNAL', 'db index needs Postgres');
          const store = await PostgresStore.open({ url: choice.url, embedder: null });
          try {
            const info = await store.useVectorIndex(kind);
            if (opts.json) writeJson(ctx.io.stdout, info);
            else
              ctx.io.stdout.write(
                info.kind === 'ivfflat'
                  ? `facts now use an ivfflat index with ${info.lists} lists\n`
                  : 'facts now use an HNSW index\n',
              );
            return EXIT_OK;
          } finally {
            await store.close();
          }
        }),
      ),
  );
  return db;
}
