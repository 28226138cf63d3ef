import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseInput, RecallInput } from '../../shared/contract';
import { HippoError, type ErrorCode } from '../../shared/errors';
import { isIpcChannel } from '../../shared/ipc-contract';
import type { AppService } from '../app-service/app-service';
import type { EngineStore } from '../engine-store';
import {
  API_ROUTES,
  ChannelParams,
  EncodeBatchInput,
  FactIdParams,
  SpaceQuery,
  type ApiRouteName,
  type ApiRouteSpec,
  type HealthResponse,
} from './api-spec';
import { coerceQuery } from './coerce-query';
import { HttpError } from './http-errors';
import { buildOpenApiDocument } from './openapi';
import type { ServerMetrics } from './server-metrics';

export interface ApiRouteDeps {
  /** SQLite's Memory, or the Postgres store (`hippo serve --store postgres`). */
  memory: EngineStore;
  /** GET /health's answer for this store. */
  health: () => HealthResponse | Promise<HealthResponse>;
  metrics: ServerMetrics;
  /**
   * The desktop app's channels, answered by POST /api/v1/call/:channel; null when the store cannot
   * answer them (they speak to the SQLite file: settings, sync, model, label history...).
   */
  service: AppService | null;
  /** Why `service` is null, for the NOT_SUPPORTED answer. */
  serviceMissing?: string;
  /** This server's base URL, for the OpenAPI document's `servers`. */
  baseUrl: () => string;
}

type Handler = (req: FastifyRequest) => Promise<unknown> | unknown;

/** `?space=` of a route that takes no other query parameter. */
const spaceOf = (req: FastifyRequest): string | undefined => parseInput(SpaceQuery, req.query, 'query').space;

/** The `:id` path parameter as a number. */
const idOf = (req: FastifyRequest): number => Number(parseInput(FactIdParams, req.params, 'path').id);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function requireBody(req: FastifyRequest): unknown {
  if (req.body === undefined) throw new HttpError(400, 'BAD_INPUT', 'body: a JSON body is required');
  return req.body;
}

/** A body's own `space` wins; `?space=` fills it in when the body names none. */
function withSpace<T extends Record<string, unknown>>(body: T, space: string | undefined): T {
  return space === undefined || body.space !== undefined ? body : { ...body, space };
}

/**
 * Registers every route of API_ROUTES; returns the URL patterns that need the token (every one
 * not marked public), which the request guard checks by matched route rather than by URL text.
 */
export function registerApiRoutes(app: FastifyInstance, deps: ApiRouteDeps): Set<string> {
  const { memory } = deps;
  let openapi: Record<string, unknown> | null = null;

  const handlers: Record<ApiRouteName, Handler> = {
    async encode(req) {
      const body = requireBody(req);
      const space = spaceOf(req);
      if (isObject(body) && 'facts' in body) {
        const batch = parseInput(EncodeBatchInput, body, 'body');
        const results = await memory.encodeMany(batch.facts, { space: batch.space ?? space });
        return { mode: memory.mode, results };
      }
      const result = await memory.encode(isObject(body) ? withSpace(body, space) : body);
      return { ...result, mode: memory.mode };
    },
    async recall(req) {
      const body = requireBody(req);
      const input = parseInput(RecallInput, isObject(body) ? withSpace(body, spaceOf(req)) : body, 'body');
      const { query, context, ...filters } = input;
      return memory.recallDetailed(query, context, filters);
    },
    listFacts(req) {
      return memory.list(coerceQuery(API_ROUTES.listFacts.query, req.query));
    },
    getFact(req) {
      return memory.get(idOf(req), { space: spaceOf(req) });
    },
    async updateFact(req) {
      return memory.update(idOf(req), requireBody(req), { space: spaceOf(req) });
    },
    forgetFact(req) {
      return memory.forget(idOf(req), { space: spaceOf(req) });
    },
    restoreFact(req) {
      return memory.restore(idOf(req), { space: spaceOf(req) });
    },
    async factHistory(req) {
      return { facts: await memory.history(idOf(req), { space: spaceOf(req) }) };
    },
    supersede(req) {
      const body = requireBody(req);
      return memory.supersede(isObject(body) ? withSpace(body, spaceOf(req)) : body);
    },
    unsupersede(req) {
      return memory.unsupersede(idOf(req), { space: spaceOf(req) });
    },
    async labels(req) {
      return { labels: await memory.labelsList({ space: spaceOf(req) }) };
    },
    stats(req) {
      return memory.stats({ space: spaceOf(req) });
    },
    async call(req) {
      const { channel } = parseInput(ChannelParams, req.params, 'path');
      if (!isIpcChannel(channel)) throw new HttpError(404, 'NOT_FOUND', `no channel "${channel}"`);
      if (!deps.service)
        throw new HippoError('NOT_SUPPORTED', `${channel}: ${deps.serviceMissing ?? 'not served here'}`);
      const result = await deps.service.dispatch(channel, req.body);
      // The error keeps its code and gets that code's status (BAD_INPUT 400, NOT_FOUND 404, ...).
      if (!result.ok) throw new HippoError(result.error.code as ErrorCode, result.error.message);
      return result;
    },
    openapi() {
      openapi ??= buildOpenApiDocument(deps.baseUrl());
      return openapi;
    },
    health: () => deps.health(),
    metrics: async () => deps.metrics.render(),
  };

  const protectedUrls = new Set<string>();
  for (const [name, spec] of Object.entries(API_ROUTES) as [ApiRouteName, ApiRouteSpec][]) {
    if (spec.auth) protectedUrls.add(spec.url);
    const handle = handlers[name];
    app.route({
      method: spec.method,
      url: spec.url,
      handler: async (req, reply) => {
        const value = await handle(req);
        if (spec.produces)
          return reply.type(name === 'metrics' ? deps.metrics.contentType : spec.produces).send(value);
        return value;
      },
    });
  }
  return protectedUrls;
}
