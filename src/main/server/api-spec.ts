/**
 * Every HTTP route with the shared contract schemas it parses and answers with. The routes
 * (api-routes.ts) parse with these; the OpenAPI document (openapi.ts) is generated from them.
 */
import { z } from 'zod';
import {
  EncodeInput,
  EncodeManyInput,
  EncodeResult,
  Fact,
  FactPatch,
  FactVersion,
  Label,
  ListInput,
  ListResult,
  RecallInput,
  RecallMode,
  RecallResponse,
  SpaceName,
  Stats,
  SupersedeInput,
} from '../../shared/contract';

/** Most facts one POST /api/v1/encode may carry (the engine allows more; a request body stays small). */
export const HTTP_ENCODE_BATCH_MAX = 1_000;

/** `?space=` on routes that take no other query parameter. */
export const SpaceQuery = z.strictObject({ space: SpaceName.optional() });

/** `:id` in /api/v1/facts/:id: path parameters are text, so a positive integer written in digits. */
export const FactIdParams = z.strictObject({
  id: z.string().regex(/^[1-9][0-9]{0,15}$/, 'id must be a positive integer'),
});

export const EncodeBatchInput = EncodeManyInput.extend({
  facts: z
    .array(EncodeInput)
    .min(1, 'facts must not be empty')
    .max(HTTP_ENCODE_BATCH_MAX, `at most ${HTTP_ENCODE_BATCH_MAX} facts per request`),
});

export const EncodeResponse = EncodeResult.extend({ mode: RecallMode });
export const EncodeBatchResponse = z.object({ mode: RecallMode, results: z.array(EncodeResult) });
export { RecallResponse };
export const LabelsResponse = z.object({ labels: z.array(Label) });
export const HistoryResponse = z.object({ facts: z.array(FactVersion) });

export const ModelState = z.enum(['ready', 'loading', 'missing', 'failed', 'disabled']);

/** What /health tells anyone who can reach the port: states only, no paths, counts or content. */
export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  mode: RecallMode,
  model: z.object({ state: ModelState }),
  db: z.object({ state: z.enum(['ok', 'error']), schema_version: z.number().int() }),
  /** The last `hippo sync` (or app sync) with Postgres; no server address. */
  sync: z.object({
    state: z.enum(['never', 'ok', 'failed']),
    /** Epoch ms of the last sync, null before the first. */
    last_sync_at: z.number().nullable(),
    /** Local changes not yet sent. */
    pending_changes: z.number().int(),
  }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** `:channel` in /api/v1/call/:channel: a `domain:verb` name of the desktop app's IPC contract. */
export const ChannelParams = z.strictObject({
  channel: z.string().regex(/^[a-z]+:[a-z]+$/, 'channel must look like domain:verb'),
});

/** What /api/v1/call answers: the channel's value, wrapped as the desktop app's IPC answers it. */
export const CallResponse = z.object({ ok: z.literal(true), value: z.unknown() });

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

export interface ApiRouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Fastify pattern; also the `endpoint` label of the request metrics. */
  url: string;
  summary: string;
  /** Needs `Authorization: Bearer <token>`. */
  auth: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** JSON response; absent for non-JSON answers (metrics). */
  response?: z.ZodType;
  /** Content type of a non-JSON answer. */
  produces?: string;
}

export const API_ROUTES = {
  encode: {
    method: 'POST',
    url: '/api/v1/encode',
    summary: `Remember one fact, or a batch {"facts": [...]} of up to ${HTTP_ENCODE_BATCH_MAX}`,
    auth: true,
    query: SpaceQuery,
    body: z.union([EncodeInput, EncodeBatchInput]),
    response: z.union([EncodeResponse, EncodeBatchResponse]),
  },
  recall: {
    method: 'POST',
    url: '/api/v1/recall',
    summary: 'The facts that best match a query, best first',
    auth: true,
    query: SpaceQuery,
    body: RecallInput,
    response: RecallResponse,
  },
  listFacts: {
    method: 'GET',
    url: '/api/v1/facts',
    summary: 'Facts, newest first, with paging and filters',
    auth: true,
    query: ListInput,
    response: ListResult,
  },
  getFact: {
    method: 'GET',
    url: '/api/v1/facts/:id',
    summary: 'One fact',
    auth: true,
    params: FactIdParams,
    query: SpaceQuery,
    response: Fact,
  },
  updateFact: {
    method: 'PATCH',
    url: '/api/v1/facts/:id',
    summary: 'Edit a fact; a content change re-embeds it',
    auth: true,
    params: FactIdParams,
    query: SpaceQuery,
    body: FactPatch,
    response: Fact,
  },
  forgetFact: {
    method: 'DELETE',
    url: '/api/v1/facts/:id',
    summary: 'Forget a fact (soft delete; undo with restore)',
    auth: true,
    params: FactIdParams,
    query: SpaceQuery,
    response: Fact,
  },
  restoreFact: {
    method: 'POST',
    url: '/api/v1/facts/:id/restore',
    summary: 'Bring a forgotten fact back',
    auth: true,
    params: FactIdParams,
    query: SpaceQuery,
    response: Fact,
  },
  factHistory: {
    method: 'GET',
    url: '/api/v1/facts/:id/history',
    summary:
      "A fact's other versions, newest first: the facts it superseded or was superseded by, and earlier wordings, each with when it was current and why it stopped",
    auth: true,
    params: FactIdParams,
    query: SpaceQuery,
    response: HistoryResponse,
  },
  supersede: {
    method: 'POST',
    url: '/api/v1/supersede',
    summary: 'Mark fact old_id as superseded by fact new_id (both current); answers the new fact',
    auth: true,
    query: SpaceQuery,
    body: SupersedeInput,
    response: Fact,
  },
  unsupersede: {
    method: 'POST',
    url: '/api/v1/facts/:id/unsupersede',
    summary: 'Undo a supersede: the fact is current again (the one that replaced it stays)',
    auth: true,
    params: FactIdParams,
    query: SpaceQuery,
    response: Fact,
  },
  labels: {
    method: 'GET',
    url: '/api/v1/labels',
    summary: 'Labels of the space with their fact counts',
    auth: true,
    query: SpaceQuery,
    response: LabelsResponse,
  },
  stats: {
    method: 'GET',
    url: '/api/v1/stats',
    summary: 'Counts, search mode and database facts',
    auth: true,
    query: SpaceQuery,
    response: Stats,
  },
  call: {
    method: 'POST',
    url: '/api/v1/call/:channel',
    summary:
      "Any channel of the desktop app's IPC contract (e.g. memory:recall), so the UI in a browser speaks the same contract",
    auth: true,
    params: ChannelParams,
    body: z.unknown(),
    response: CallResponse,
  },
  openapi: {
    method: 'GET',
    url: '/api/v1/openapi.json',
    summary: 'This document',
    auth: true,
  },
  health: {
    method: 'GET',
    url: '/health',
    summary: 'ok or degraded, with the model and database state (no token needed)',
    auth: false,
    response: HealthResponse,
  },
  metrics: {
    method: 'GET',
    url: '/metrics',
    summary: 'Prometheus metrics',
    auth: true,
    produces: 'text/plain; version=0.0.4',
  },
} as const satisfies Record<string, ApiRouteSpec>;

export type ApiRouteName = keyof typeof API_ROUTES;
