import { z } from 'zod';
import { DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_MS, MAX_ROW_CAP, MAX_TIMEOUT_MS, runConsoleQuery } from '../../graph/console/runConsole';
import { ALLOWED_PROCEDURES, MAX_QUERY_LENGTH } from '../../graph/console/readOnlyCypher';
import { ConsoleResultSchema } from '../schemas';
import { route } from '../routeSpec';

export const consoleRoutes = [
  route({
    method: 'post',
    path: '/api/cypher',
    operationId: 'cypher',
    summary: 'Run a read-only Cypher query (the console): rows up to a cap, nodes and relationships also as a graph',
    description:
      `Read transactions only. Refused before they run: CREATE, MERGE, DELETE, SET, REMOVE, FOREACH, LOAD CSV, USE, SHOW and administration commands, ` +
      `procedures other than ${[...ALLOWED_PROCEDURES].join(', ')}, and the dbms, apoc, gds and genai namespaces. A query stops after timeoutMs.`,
    tag: 'console',
    body: z
      .object({
        query: z.string().min(1).max(MAX_QUERY_LENGTH).describe('the Cypher query'),
        params: z.record(z.string().max(100), z.unknown()).optional().describe('its $parameters, as JSON values'),
        rowCap: z.number().int().min(1).max(MAX_ROW_CAP).default(DEFAULT_ROW_CAP).describe('rows returned at most; the answer says when there were more'),
        timeoutMs: z.number().int().min(100).max(MAX_TIMEOUT_MS).default(DEFAULT_TIMEOUT_MS).describe('how long the query may run'),
      })
      .strict(),
    response: ConsoleResultSchema,
    handler: async ({ body, context }) => runConsoleQuery(context.graph, body.query, body.params ?? {}, { rowCap: body.rowCap, timeoutMs: body.timeoutMs }),
  }),
];
