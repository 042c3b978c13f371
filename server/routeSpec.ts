import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { EventStore } from '../store/eventStore';
import type { Graph } from '../graph/driver';

/** What every handler can use. */
export interface ApiContext {
  readonly graph: Graph;
  /** Who changes cases when the request carries no named token: TRAILHOUND_USER, else the OS user. */
  readonly user: string;
  /** The raw events beside the graph: timelines, drill-down, activity, flow volumes. */
  readonly events: EventStore;
  readonly version: string;
}

/**
 * One API route, declared once: Express serves it from this, and the OpenAPI document is
 * generated from it. Handlers get validated params and query; they return JSON, or write a
 * stream themselves (streamed routes).
 */
export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  /** post and patch take a JSON body: a query's text, or what a case records. */
  readonly method: 'get' | 'post' | 'patch' | 'delete';
  /** The status of a success: 201 when a POST created something. */
  readonly status?: 200 | 201;
  /** Errors this route answers beyond the common ones (409 when a case already pins something). */
  readonly errors?: Readonly<Record<number, string>>;
  /** Express-style path: /api/entities/:kind/:key */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly params?: P;
  readonly query?: Q;
  /** The JSON request body (post). */
  readonly body?: B;
  /** The JSON response, or the content types a streamed response may have. */
  readonly response: z.ZodType | { readonly stream: readonly string[] };
  /**
   * OpenAPI links from this route's answer to the routes it leads to (a finding's entities, an
   * event of a timeline): clients and fuzzers follow them to real data instead of guessing ids.
   * Values are runtime expressions, e.g. `$response.body#/findings/0/findingId`.
   */
  readonly links?: Readonly<Record<string, { readonly operationId: string; readonly parameters: Readonly<Record<string, string>>; readonly description?: string }>>;
  readonly handler: (input: { params: z.output<P>; query: z.output<Q>; body: z.output<B>; context: ApiContext; req: Request; res: Response }) => Promise<unknown>;
}

export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType = z.ZodType>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}
