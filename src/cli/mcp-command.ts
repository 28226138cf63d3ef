import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Writable } from 'node:stream';
import { Command } from 'commander';
import { createNodeEmbedder } from '../main/embedder/embedder-client';
import { createMcpServer } from '../main/mcp/mcp-server';
import { trackPendingRequests } from '../main/mcp/pending-requests';
import { Memory } from '../main/memory/memory';
import { oneLine, type CliIo } from './cli-io';
import type { CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import { resolveDbPath } from './session';

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
  return new Command('mcp')
    .summary('serve memory to AI agents over MCP (stdio)')
    .description(
      'Run an MCP (Model Context Protocol) server on stdin/stdout with the tools remember, recall, ' +
        'forget and list_labels. It runs until the client closes stdin.',
    )
    .addHelpText('after', `\n${MCP_HELP}`)
    .action((_opts: unknown, cmd: Command) =>
      ctx.run(cmd, async () => {
        const { io } = ctx;
        const globals = ctx.globals(cmd);
        const dbPath = resolveDbPath(globals, io);
        const embedder = createNodeEmbedder({ env: io.env });
        let memory: Memory | null = null;
        try {
          // A long-lived process: facts stored while the model was missing get their vectors meanwhile.
          memory = Memory.open({ dbPath, embedder, space: globals.space, backgroundEmbedding: true });
          const server = createMcpServer({ memory });
          // The transport only calls write() and once('drain'), which every OutStream has.
          const transport = new StdioServerTransport(io.stdin, io.stdout as Writable);
          const closed = untilClientGone(io, server);
          await server.connect(transport);
          const pending = trackPendingRequests(transport);
          let stopping = false;
          io.stderr.write(`hippo mcp: serving ${dbPath} (default space "${memory.space}") on stdio\n`);
          // Load the model now, so the first recall does not pay for it.
          void embedder.ready().then((ready) => {
            if (!ready && !stopping)
              io.stderr.write(
                `hippo mcp: text-only mode (${oneLine(embedder.lastError?.message ?? 'no embedding model')}); ` +
                  'run `hippo model fetch` for meaning-based recall\n',
              );
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
