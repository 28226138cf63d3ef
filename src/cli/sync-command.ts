import { Command } from 'commander';
import { HippoError } from '../shared/errors';
import { openPgPool, redactUrl } from '../main/sync/pg-connect';
import {
  DEFAULT_SYNC_BATCH,
  syncStatus,
  recordSyncFailure,
  syncWithPostgres,
  type SyncProgress,
  type SyncStatus,
  type SyncSummary,
} from '../main/sync/sync-engine';
import { writeJson, type CliIo } from './cli-io';
import { commandPath, type CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import { progressBar, type Progress } from './progress-bar';
import { withSession } from './session';

interface SyncOptions {
  pg?: string;
  status?: boolean;
  json?: boolean;
  batchSize?: string;
}

export function syncCommand(ctx: CommandContext): Command {
  return new Command('sync')
    .summary('two-way sync with a Postgres + pgvector server')
    .description(
      'Pushes this database’s changes (facts, labels, forgets, restores, purges, embeddings) to a Postgres ' +
        'server with pgvector and pulls the other devices’ changes. Running it again changes nothing; an ' +
        'interrupted sync is finished by the next one. Conflicting edits: the later one wins and the other is ' +
        'kept in the fact’s history.',
    )
    .option('--pg <url>', 'postgres://user:password@host:5432/database (default: $HIPPO_PG_URL)')
    .option('--status', 'print the last sync (time, result, counts, server, changes waiting) and exit')
    .option('--batch-size <n>', `rows per transaction (default ${DEFAULT_SYNC_BATCH})`)
    .option('--json', 'print the summary (or --status) as JSON')
    .addHelpText(
      'after',
      '\nEnvironment:\n  HIPPO_PG_URL  the Postgres server to sync with (overridden by --pg)\n',
    )
    .action((opts: SyncOptions, cmd: Command) =>
      ctx.run(cmd, () =>
        withSession(ctx.io, ctx.globals(cmd), { model: false }, async (s) => {
          const { io } = ctx;
          if (opts.status) {
            const status = syncStatus(s.memory);
            if (opts.json) writeJson(io.stdout, status);
            else io.stdout.write(formatStatus(status));
            return EXIT_OK;
          }
          const url = (opts.pg ?? io.env.HIPPO_PG_URL ?? '').trim();
          if (!url)
            throw new HippoError(
              'BAD_INPUT',
              'no Postgres server: give --pg postgres://user:password@host:5432/database or set HIPPO_PG_URL',
            );
          const batchSize = opts.batchSize === undefined ? undefined : Number(opts.batchSize);
          if (
            batchSize !== undefined &&
            (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
          )
            throw new HippoError(
              'BAD_INPUT',
              `--batch-size: must be an integer from 1 to 10000, got ${opts.batchSize}`,
            );
          const pool = await openPgPool(url, { min: 0, max: 3, applicationName: 'hippo sync' }).catch(
            (e: unknown) => {
              throw e instanceof HippoError ? recordSyncFailure(s.memory, e) : e;
            },
          );
          const report = new ProgressReport(io, commandPath(cmd));
          try {
            const summary = await syncWithPostgres(s.memory, pool, {
              url,
              batchSize,
              signal: io.trapInterrupt?.(),
              onProgress: (p) => report.update(p),
            });
            report.stop();
            if (opts.json) writeJson(io.stdout, summary);
            else io.stdout.write(formatSummary(summary));
            return EXIT_OK;
          } finally {
            report.stop();
            await pool.end().catch(() => undefined);
          }
        }),
      ),
    );
}

/**
 * A bar per phase on a terminal; elsewhere one stderr line per batch, so a log shows how far a
 * long sync got (stdout stays for the summary).
 */
class ProgressReport {
  private bar: Progress | null = null;
  private phase: SyncProgress['phase'] | null = null;

  constructor(
    private readonly io: CliIo,
    private readonly name: string,
  ) {}

  update(p: SyncProgress): void {
    const done = p.phase === 'push' ? p.pushed : p.pulled;
    const total = p.phase === 'push' ? p.pushTotal : p.pullTotal;
    if (this.io.isTTY) {
      if (this.phase !== p.phase) {
        this.bar?.stop();
        this.bar = progressBar(this.io.stderr, true, total, p.phase === 'push' ? 'sent' : 'received');
        this.phase = p.phase;
      }
      this.bar?.update(done);
      return;
    }
    this.phase = p.phase;
    if (total > 0) this.io.stderr.write(`${this.name}: ${p.phase}: ${done} of ${total}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

function formatSummary(s: SyncSummary): string {
  const conflicts =
    s.conflicts > 0 ? `, ${s.conflicts} conflicts resolved (later edit kept, the other in history)` : '';
  const pending =
    s.pending_local > 0 ? `; ${s.pending_local} changes made meanwhile wait for the next sync` : '';
  const note = s.note ? `Note: ${s.note}.\n` : '';
  return `Synced with ${s.remote}: ${s.pushed} sent, ${s.pulled} received${conflicts} in ${(s.ms / 1000).toFixed(1)} s${pending}\n${note}`;
}

function formatStatus(s: SyncStatus): string {
  if (s.last_sync_at === null)
    return `never synced; ${s.pending_local} local changes to send. Run hippo sync --pg URL.\n`;
  return [
    `server:     ${s.remote ? redactUrl(s.remote) : 'none'}`,
    `last sync:  ${new Date(s.last_sync_at).toISOString()} (${s.last_result}${s.last_error ? `: ${s.last_error}` : ''})`,
    `sent:       ${s.pushed}`,
    `received:   ${s.pulled}`,
    `waiting:    ${s.pending_local} local changes not yet sent`,
    '',
  ].join('\n');
}
