import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BIN, ROOT, sandbox, type Sandbox } from '../cli/cli-harness';

export { sandbox, type Sandbox };

export interface McpChild {
  client: Client;
  transport: StdioClientTransport;
  /** The child's pid, kept for checking that it exited after close(). */
  pid: number;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Transport errors; a line on stdout that is not a protocol message lands here. */
  errors: Error[];
  /** Calls a tool; the result as the SDK client returns it. */
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/**
 * Spawns the built `hippo mcp` (bin/hippo.mjs → dist/cli.mjs) and connects the SDK's own client to it.
 * `mcpArgs` follow `mcp` (e.g. --store postgres --pg URL).
 */
export async function startMcp(
  box: Sandbox,
  globalArgs: string[] = [],
  mcpArgs: string[] = [],
): Promise<McpChild> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, ...globalArgs, 'mcp', ...mcpArgs],
    cwd: ROOT,
    env: { ...box.env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const errors: Error[] = [];
  const client = new Client({ name: 'hippo-test', version: '0.0.0' });
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  const pid = transport.pid;
  if (pid === null) throw new Error('hippo mcp did not start');
  return {
    client,
    transport,
    pid,
    stderr: () => stderr,
    errors,
    call: async (name, args) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: () => client.close(),
  };
}

/** The text of a tool result's one text block. */
export function textOf(r: CallToolResult): string {
  const block = r.content[0];
  if (block?.type !== 'text') throw new Error(`expected a text block, got ${JSON.stringify(r.content)}`);
  return block.text;
}

/** Resolves once no process has this pid (the child has exited and been reaped). */
export async function exited(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
