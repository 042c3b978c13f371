import { z } from 'zod';
import type { RouteSpec } from './routeSpec';
import { ErrorSchema } from './schemas';

/**
 * The OpenAPI 3.1 document, generated from the route list and its zod schemas: what is
 * documented is exactly what is served and validated (a test checks responses against it).
 */
export function buildOpenApi(routes: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {
    '/api/openapi.json': { get: { operationId: 'openapi', summary: 'This document', tags: ['system'], responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': {} } } } } },
  };
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
    const ok =
      'stream' in route.response
        ? {
            description: 'streamed',
            content: Object.fromEntries(
              // A JSON stream is one array of entries unless the route gives its schema (a document
              // in one of several formats); the other formats are text (CSV, JSON Lines, Markdown).
              route.response.stream.map((type) => [type.split(';')[0]!, { schema: type.startsWith('application/json') ? streamedJson(route.response) : { type: 'string' } }]),
            ),
          }
        : { description: 'OK', content: { 'application/json': { schema: jsonSchema(route.response) } } };
    if (route.links) Object.assign(ok, { links: route.links });
    paths[path] = {
      ...paths[path],
      [route.method]: {
        operationId: route.operationId,
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: [route.tag],
        parameters,
        ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
        responses: {
          [route.status ?? 200]: ok,
          400: errorResponse('invalid parameters'),
          ...Object.fromEntries(Object.entries(route.errors ?? {}).map(([status, description]) => [status, errorResponse(description)])),
          ...(route.method === 'post' || route.method === 'patch' ? { 413: errorResponse('the request body is larger than 100 KB'), 415: errorResponse('the body is not JSON (Content-Type: application/json)') } : {}),
          401: errorResponse('a token is configured and the request did not carry it'),
          404: errorResponse(route.path.startsWith('/api/cases') ? 'no such case, or nothing of that id in it' : 'no such entity'),
          414: errorResponse('the request URL is longer than 8 KB'),
          421: errorResponse('no token is set and the Host is not 127.0.0.1, localhost or [::1] (a DNS-rebinding page)'),
          // Sent by Node's HTTP parser before any route sees the request: no JSON body.
          431: { description: 'the request headers (the URL included) are larger than 16 KB' },
          503: errorResponse('Neo4j is not reachable'),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Trailhound investigation API',
      version,
      description: 'Findings, blast radius, entity profiles, timelines through role sessions, paths, search and timeline exports over the Trailhound graph.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Required when the server has TRAILHOUND_TOKEN' } } },
    security: [{}, { bearer: [] }],
    paths,
  };
}

/**
 * A response the handler writes itself in one of several content types: `json` is the schema of
 * its application/json form when that is one document, not a stream of entries (a case report,
 * also given as Markdown).
 */
export interface StreamedResponse {
  readonly stream: readonly string[];
  readonly json?: z.ZodType;
}

function streamedJson(response: RouteSpec['response']): Record<string, unknown> {
  const json = 'stream' in response ? (response as StreamedResponse).json : undefined;
  return json instanceof z.ZodType ? jsonSchema(json) : { type: 'array', items: { type: 'object' } };
}

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: jsonSchema(ErrorSchema) } } };
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** A route's parameters as the document lists them: name, where, whether required, JSON Schema. */
export function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): { name: string; in: string; required: boolean; description?: string; schema: Record<string, unknown> }[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}
