import { z } from 'zod';
import { version } from '../../../package.json';
import { API_ROUTES, ErrorResponse, type ApiRouteSpec } from './api-spec';

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of a contract schema, as requests send it or responses return it. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

function parametersOf(spec: ApiRouteSpec): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, obj] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!obj) continue;
    for (const [name, field] of Object.entries(obj.shape as Record<string, z.ZodType>)) {
      const optional = field.safeParse(undefined).success;
      out.push({
        name,
        in: where,
        required: where === 'path' || !optional,
        schema: schemaOf(field, 'input'),
      });
    }
  }
  return out;
}

const errorContent = (description: string) => ({
  description,
  content: { 'application/json': { schema: schemaOf(ErrorResponse, 'output') } },
});

/**
 * The OpenAPI 3.1 document of the API, generated from the same zod schemas the routes parse with,
 * so it cannot drift from what the server accepts.
 */
export function buildOpenApiDocument(serverUrl?: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, route] of Object.entries(API_ROUTES) as [string, ApiRouteSpec][]) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const ok = route.response
      ? { description: 'OK', content: { 'application/json': { schema: schemaOf(route.response, 'output') } } }
      : {
          description: 'OK',
          content: { [route.produces ?? 'application/json']: { schema: { type: 'string' } } },
        };
    const responses: Record<string, unknown> = { '200': ok };
    if (route.body || route.query || route.params) responses['400'] = errorContent('Bad input');
    if (route.params)
      responses['404'] = errorContent(
        route.url.includes(':channel') ? 'No such channel, or no such fact' : 'No such fact',
      );
    if (route.auth) responses['401'] = errorContent('Missing or wrong token');
    responses['403'] = errorContent('Foreign Host or Origin header');
    if (route.body) {
      responses['413'] = errorContent('Body larger than the limit (1 MB by default)');
      responses['415'] = errorContent('Body is not application/json');
    }
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: name,
      summary: route.summary,
      ...(route.auth ? {} : { security: [] }),
      parameters: parametersOf(route),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hippo local API',
      version,
      description:
        'Loopback-only API of a Hippo memory. Send the token from the api-token file in the user data ' +
        'folder as `Authorization: Bearer <token>`. Errors are `{ "error": { "code", "message" } }`.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
