/**
 * The MCP face of the engine: four tools (remember, recall, forget, list_labels) over one store.
 * Transport-agnostic: `hippo mcp` connects it to stdio, tests may connect it to anything.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { version } from '../../../package.json';
import {
  EncodeInput,
  EncodeResult,
  Fact,
  Label,
  RecallInput,
  RecallMode,
  RecallResponse,
  SpaceName,
  parseInput,
} from '../../shared/contract';
import { toErrorPayload } from '../../shared/errors';
import type { EngineStore } from '../engine-store';

export interface McpServerOptions {
  /** SQLite's Memory or the Postgres store (`hippo mcp --store postgres`). */
  memory: Pick<EngineStore, 'mode' | 'encode' | 'recall' | 'recallDetailed' | 'forget' | 'labelsList'>;
}

const SPACE_HELP =
  "memory space: each agent may keep its own (1-64 letters, digits, . _ -); default: the server's space";

// Agents backdating facts is not a use case; the rest of the encode contract is, field for field.
const RememberInput = EncodeInput.omit({ created_at: true }).extend({
  content: EncodeInput.shape.content.describe('the fact to remember, one short self-contained statement'),
  category: EncodeInput.shape.category.describe('category, e.g. "preference", "person" (default "general")'),
  label: EncodeInput.shape.label.describe('label; when absent, matched to an existing label by meaning'),
  confidence: EncodeInput.shape.confidence.describe('how sure the fact is, 0 to 1 (default 1)'),
  source: EncodeInput.shape.source.describe('where the fact came from (a URL, a conversation, a tool)'),
  space: EncodeInput.shape.space.describe(SPACE_HELP),
  supersedes: EncodeInput.shape.supersedes.describe(
    'id of a fact this one replaces (e.g. a possible_updates id of an earlier remember): it leaves recall, kept in history',
  ),
});

const RecallToolInput = RecallInput.extend({
  query: RecallInput.shape.query.describe('what to look for, in natural language'),
  context: RecallInput.shape.context.describe('optional surrounding context that sharpens the query'),
  limit: RecallInput.shape.limit.describe('most results (default 10)'),
  since: RecallInput.shape.since.describe('only facts created at or after this ISO date-time or epoch ms'),
  until: RecallInput.shape.until.describe('only facts created at or before this ISO date-time or epoch ms'),
  as_of: RecallInput.shape.as_of.describe(
    'answer from what was believed then (ISO date-time or epoch ms): facts current at that time, superseded or forgotten later ones included',
  ),
  space: RecallInput.shape.space.describe(SPACE_HELP),
  reference_date: RecallInput.shape.reference_date.describe(
    'the date time words in the query ("yesterday", "last week", "in May 2023") are read against; default now',
  ),
  time_zone: RecallInput.shape.time_zone.describe("IANA time zone for time words; default the machine's"),
  time_words: RecallInput.shape.time_words.describe(
    'false: search time words literally instead of as a window',
  ),
  explain: RecallInput.shape.explain.describe('true: each result says why it matched (words, ranks, boosts)'),
});

const ForgetInput = z.strictObject({
  id: z.number().int().positive().describe('the fact id, as returned by remember or recall'),
  space: SpaceName.optional().describe(SPACE_HELP),
});

const ListLabelsInput = z.strictObject({
  space: SpaceName.optional().describe(SPACE_HELP),
});

const RememberOutput = EncodeResult.extend({ mode: RecallMode });
const RecallOutput = RecallResponse;
const ListLabelsOutput = z.object({ labels: z.array(Label) });

/**
 * The SDK validates arguments against a tool's inputSchema before the tool runs and answers a failure
 * in its own words. Every Hippo face parses with the contract and says "BAD_INPUT: field: message", so
 * the SDK gets a schema that accepts any object yet advertises the contract's JSON Schema (zod copies
 * .meta() into the generated JSON Schema), and each tool parses its arguments with the contract itself.
 */
function advertise(schema: z.ZodObject): z.ZodObject {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', target: 'draft-7' });
  return z.looseObject({}).meta(jsonSchema);
}

function ok(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

/** Errors are tool results the agent can read and act on, never protocol errors or a crash. */
function toolError(e: unknown): CallToolResult {
  const { code, message } = toErrorPayload(e);
  return { content: [{ type: 'text', text: `${code}: ${message}` }], isError: true };
}

async function guarded(run: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    return ok(await run());
  } catch (e) {
    return toolError(e);
  }
}

const INSTRUCTIONS =
  "Hippo is the user's local, private long-term memory. Use `remember` for durable facts worth " +
  'keeping (preferences, people, decisions, project details), one statement each; use `recall` ' +
  'before answering anything that may depend on what the user told you before. Pass `space` to keep ' +
  "an agent's memories apart from the user's own.";

/** Builds the server with its tools registered; the caller connects a transport and owns `memory`. */
export function createMcpServer({ memory }: McpServerOptions): McpServer {
  const server = new McpServer({ name: 'hippo', version }, { instructions: INSTRUCTIONS });

  server.registerTool(
    'remember',
    {
      title: 'Remember a fact',
      description:
        'Store one fact in memory. An exact duplicate is not stored twice and a near-duplicate is merged ' +
        'into the existing fact; the result says which (status created | duplicate | merged) and its id. ' +
        'A new fact that looks like a newer version of a stored one lists it in possible_updates; remember ' +
        'again with `supersedes` set to replace a fact (the old one is kept in its history).',
      inputSchema: advertise(RememberInput),
      outputSchema: RememberOutput,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args) =>
      guarded(async () => {
        const input = parseInput(RememberInput, args);
        const result = await memory.encode(input);
        return { ...result, mode: memory.mode } satisfies z.infer<typeof RememberOutput>;
      }),
  );

  server.registerTool(
    'recall',
    {
      title: 'Recall facts',
      description:
        'Find the remembered facts that best match a query, by meaning and by words, best first. ' +
        'mode is "hybrid" when the embedding model is loaded, "text-only" (words only) otherwise. ' +
        'Time words in the query ("yesterday", "last week", "in May 2023", "since 2023") keep to facts ' +
        "created then; the answer's time says which words were read as which window.",
      inputSchema: advertise(RecallToolInput),
      outputSchema: RecallOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(async () => {
        const { query, context, ...filters } = parseInput(RecallToolInput, args);
        return (await memory.recallDetailed(query, context, filters)) satisfies z.infer<typeof RecallOutput>;
      }),
  );

  server.registerTool(
    'forget',
    {
      title: 'Forget a fact',
      description:
        'Forget a fact by id: it no longer appears in recall. Undoable by the user (`hippo restore ID`). ' +
        'Returns the fact as it is now.',
      inputSchema: advertise(ForgetInput),
      outputSchema: Fact,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(async () => {
        const { id, space } = parseInput(ForgetInput, args);
        return (await memory.forget(id, { space })) satisfies Fact;
      }),
  );

  server.registerTool(
    'list_labels',
    {
      title: 'List labels',
      description: 'List the labels facts are grouped under, with how many facts each holds.',
      inputSchema: advertise(ListLabelsInput),
      outputSchema: ListLabelsOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(async () => {
        const { space } = parseInput(ListLabelsInput, args);
        return { labels: await memory.labelsList({ space }) } satisfies z.infer<typeof ListLabelsOutput>;
      }),
  );

  return server;
}
