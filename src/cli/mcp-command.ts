import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Writable } from 'node:stream';
import { Command } from 'commander';
import { createNodeEmbedder } from '../main/embedder/embedder-client';
import { createMcpServer } from '../main/mcp/mcp-server';
import { trackPendingRequests } from '../main/mcp/pending-requests';
import type { EngineStore } from '../main/engine-store';
import { Memory } from '../main/memory/memory';
import { PostgresStore } from '../main/sync/postgres-store';
import { redactUrl } from '../main/sync/pg-connect';
import { oneLine, type CliIo } from './cli-io';
import type { CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import { resolveDbPath } from './session';
import { addStoreOptions, resolveStore, type StoreOptions } from './store-options';

export const MCP_HELP = `Add Hippo to an MCP client (Claude Desktop: claude_desktop_config.json):
  { "mcpServers": { "hippo": { "command": "hippo", "args": ["mcp"] } } }
Agents can keep their own memory with the tools' "space" argument; --space sets the default.`;

/** How long requests already received may still take once the client is gone. */
const DRAIN_MS = 10_000;

/**
 * `hippo mcp`: an MCP server on stdin/stdout until the client closes stdin. stdout carries protocol
 * messages only; notices go to stderr, which MCP clients keep as the server's log.
 */
export function mcpCommand(ctx: CommandContext): Command {
  return addStoreOptions(new Command('mcp'))
    .summary('serve memory to AI agents over MCP (stdio)')
    .description(
      'Run an MCP (Model Context Protocol) server on stdin/stdout with the tools remember, recall, ' +
        'forget and list_labels, over the SQLite file or (--store postgres) a Postgres server. ' +
        'It runs until the client closes stdin.',
    )
    .addHelpText('after', `\n${MCP_HELP}`)
    .action((opts: StoreOptions, cmd: Command) =>
      ctx.run(cmd, async () => {
        const { io } = ctx;
        const globals = ctx.globals(cmd);
        const choice = resolveStore(opts, io.env);
        const embedder = createNodeEmbedder({ env: io.env });
        let memory: EngineStore | null = null;
        let where: string;
        try {
          if (choice.kind === 'postgres') {
            memory = await PostgresStore.open({ url: choice.url, embedder, space: globals.space });
            where = redactUrl(choice.url);
          } else {
            where = resolveDbPath(globals, io);
            // A long-lived process: facts stored while the model was missing get their vectors meanwhile.
            memory = Memory.open({
              dbPath: where,
              embedder,
              space: globals.space,
              backgroundEmbedding: true,
            });
          }
          const store = memory;
          const server = createMcpServer({ memory: store });
          // The transport only calls write() and once('drain'), which every OutStream has.
          const transport = new StdioServerTransport(io.stdin, io.stdout as Writable);
          const closed = untilClientGone(io, server);
          await server.connect(transport);
          const pending = trackPendingRequests(transport);
          let stopping = false;
          io.stderr.write(`hippo mcp: serving ${where} (default space "${store.space}") on stdio\n`);
          // Load the model now, so the first recall does not pay for it.
          void embedder.ready().then(async (ready) => {
            if (!ready && !stopping)
              io.stderr.write(
                `hippo mcp: text-only mode (${oneLine(embedder.lastError?.message ?? 'no embedding model')}); ` +
                  'run `hippo model fetch` for meaning-based recall\n',
              );
            // SQLite's Memory embeds in the background itself; the Postgres store is asked once here
            // (closing the store waits for the batch in flight and stops the rest).
            if (ready && !stopping && store instanceof PostgresStore)
              await store.embedPending().catch((e: unknown) => {
                if (!stopping)
                  io.stderr.write(
                    `hippo mcp: embedding stored facts failed: ${oneLine((e as Error).message)}\n`,
                  );
              });
          });
          await closed;
          stopping = true;
          await pending.idle(DRAIN_MS);
          await server.close();
          return EXIT_OK;
        } finally {
          await memory?.close();
          await embedder.close();
          io.stderr.write('hippo mcp: stopped\n');
        }
      }),
    );
}

/**
 * Resolves when the client is gone: stdin ended (the SDK's stdio transport does not watch for that),
 * the connection closed, Ctrl-C, or SIGTERM, which MCP clients send when stdin alone did not stop a
 * server soon enough. Each way ends in the same clean shutdown: database and model worker closed.
 */
function untilClientGone(io: CliIo, server: McpServer): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGTERM', done);
      resolve();
    };
    io.stdin.once('end', done);
    io.stdin.once('close', done);
    server.server.onclose = done;
    io.trapInterrupt?.().addEventListener('abort', done);
    process.once('SIGTERM', done);
  });
}
