import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { Graph } from '../graph/driver';
import type { EventStore } from '../store/eventStore';
import { TrailhoundError } from '../graph/errors';
import { errorMiddleware, sendError } from './httpErrors';
import { buildOpenApi, parametersOf } from './openapi';
import type { ApiContext, RouteSpec } from './routeSpec';
import { entityRoutes } from './routes/entities';
import { eventRoutes } from './routes/events';
import { exportRoutes } from './routes/exports';
import { findingRoutes } from './routes/findings';
import { flowRoutes } from './routes/flows';
import { healthRoutes } from './routes/health';
import { investigationRoutes } from './routes/investigations';
import { searchRoutes } from './routes/search';
import { consoleRoutes } from './routes/console';
import { caseRoutes } from './routes/cases';
import { requestBasics, requireLoopbackHost, requireToken } from './security';

/** Every API route; the OpenAPI document at /api/openapi.json is generated from this list. */
export const ROUTES: readonly RouteSpec[] = [...healthRoutes, ...findingRoutes, ...entityRoutes, ...eventRoutes, ...flowRoutes, ...searchRoutes, ...exportRoutes, ...investigationRoutes, ...consoleRoutes, ...caseRoutes];

export interface AppOptions {
  readonly graph: Graph;
  readonly events: EventStore;
  readonly version: string;
  /** When set, every /api request must carry it as a Bearer token. */
  readonly token?: string;
  /** Tokens by the name of whoever holds them (TRAILHOUND_TOKENS): a case's log names the holder. */
  readonly namedTokens?: Readonly<Record<string, string>>;
  /** The author of case changes made without a named token (TRAILHOUND_USER); default: the OS user. */
  readonly user?: string;
  /** The built web UI (web/dist), served at / when present. */
  readonly webRoot?: string;
}

const WEB_ROOT = join(import.meta.dirname, '..', 'web', 'dist');

/** Whether `npm run build` (run by `npm ci`) has produced the UI that `serve` serves at /. */
export function webUiBuilt(webRoot = WEB_ROOT): boolean {
  return existsSync(join(webRoot, 'index.html'));
}

/** The Express app: security middleware, the API routes, the web UI, one error envelope. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // "/API/health" is not "/api/health": Express matches routes in any case by default, and
  // the token check (requireToken) and the UI's fallback route decide by the path as written.
  app.set('case sensitive routing', true);
  app.set('query parser', 'simple');
  app.use(requestBasics);
  const anyToken = options.token ?? Object.values(options.namedTokens ?? {})[0];
  app.use(requireLoopbackHost(anyToken));
  app.use(requireToken(options.token, options.namedTokens));
  app.use(express.json({ limit: '100kb' }));
  const context: ApiContext = { graph: options.graph, events: options.events, version: options.version, user: options.user ?? defaultUser() };

  const openapi = buildOpenApi(ROUTES, options.version);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  for (const spec of ROUTES) app[spec.method](spec.path, handle(spec, context));
  // A path the API has, asked with a method it does not take: 405 with the methods it does.
  for (const path of ['/api/openapi.json', ...new Set(ROUTES.map((spec) => spec.path))]) {
    const methods = path === '/api/openapi.json' ? ['get'] : ROUTES.filter((spec) => spec.path === path).map((spec) => spec.method);
    const allowed = methods.flatMap((m) => (m === 'get' ? ['GET', 'HEAD'] : [m.toUpperCase()])).join(', ');
    app.all(path, (req, res) => {
      res.setHeader('Allow', allowed);
      sendError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method.slice(0, 20)} is not a method of ${req.path.slice(0, 200)}: it takes ${allowed}.`, 'See /api/openapi.json.');
    });
  }
  app.use('/api', (req, res) => sendError(res, 404, 'NOT_FOUND', `No API route ${req.method} ${req.path.slice(0, 200)}.`, 'See /api/openapi.json.'));

  const webRoot = options.webRoot ?? WEB_ROOT;
  if (webUiBuilt(webRoot)) {
    // Hashed assets are immutable; index.html names the current ones, so it is never cached.
    app.use(
      express.static(webRoot, {
        index: 'index.html',
        maxAge: '1h',
        setHeaders: (res, path) => {
          if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
        },
      }),
    );
    // The UI keeps its state in the URL: any other path is the app.
    app.get(/^(?!\/api\/).*/, (_req, res) => res.sendFile(join(webRoot, 'index.html')));
  }
  app.use(errorMiddleware);
  return app;
}

/** Who the server's user is when nobody named themselves: TRAILHOUND_USER, else the OS account. */
export function defaultUser(env: NodeJS.ProcessEnv = process.env): string {
  const named = env.TRAILHOUND_USER?.trim();
  if (named) return named.slice(0, 100);
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The numeric query parameters of a route and their JSON Schema type. zod's coercion reads ""
 * as 0 and " 5" or "0x10" as numbers; the document says integer or number, so the text must be
 * one (checked before coercion).
 */
function numericParams(schema: z.ZodType | undefined): [string, RegExp][] {
  return parametersOf(schema, 'query').flatMap(({ name, schema: property }): [string, RegExp][] =>
    property.type === 'integer' ? [[name, /^-?[0-9]+$/]] : property.type === 'number' ? [[name, /^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/]] : [],
  );
}

function handle(spec: RouteSpec, context: ApiContext) {
  const numeric = numericParams(spec.query);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      for (const [name, form] of numeric) {
        const value = (req.query as Record<string, unknown>)[name];
        if (value !== undefined && (typeof value !== 'string' || !form.test(value))) {
          throw new TrailhoundError('BAD_REQUEST', `Bad query parameter ${name}: "${String(value).slice(0, 40)}" is not a number.`, 'See /api/openapi.json for what each parameter takes.');
        }
      }
      const params = parse(spec.params, req.params, 'path');
      const query = parse(spec.query, req.query, 'query');
      // A JSON body only: a form or text/plain body is what another site's page can send without
      // asking (no CORS preflight), and this server answers no preflight.
      const takesBody = spec.method === 'post' || spec.method === 'patch';
      if (takesBody && !req.is('application/json')) {
        throw new TrailhoundError('UNSUPPORTED_MEDIA_TYPE', `${req.path.slice(0, 200)} takes a JSON body (Content-Type: application/json).`, 'Send the request as JSON.');
      }
      const body = takesBody ? parse(spec.body, req.body, 'body') : ({} as never);
      const result = await spec.handler({ params, query, body, context, req, res });
      if (!('stream' in spec.response) && !res.headersSent) res.status(spec.status ?? 200).json(result);
    } catch (error) {
      next(error);
    }
  };
}

function parse(schema: z.ZodType | undefined, value: unknown, where: string): never {
  if (!schema) return {} as never;
  const result = schema.safeParse(value);
  if (result.success) return result.data as never;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || where;
  throw new TrailhoundError('BAD_REQUEST', `Bad ${where} parameter ${field}: ${issue?.message ?? 'invalid'}.`, 'See /api/openapi.json for what each parameter takes.');
}
