import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Graph } from '../graph/driver';
import type { EventStore } from '../store/eventStore';
import { TrailhoundError } from '../graph/errors';
import { createApp, defaultUser } from './app';
import { isLoopback, namedTokensFrom } from './security';

export interface ServeOptions {
  readonly graph: Graph;
  readonly events: EventStore;
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  /** Per-person tokens (TRAILHOUND_TOKENS): case logs name the holder. */
  readonly namedTokens?: Readonly<Record<string, string>>;
  /** The author of case changes made without a named token. */
  readonly user?: string;
  readonly version: string;
}

/** Who may use the server, from the environment: TRAILHOUND_TOKEN, TRAILHOUND_TOKENS, TRAILHOUND_USER. */
export function accessFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<ServeOptions, 'token' | 'namedTokens' | 'user'> {
  const token = env.TRAILHOUND_TOKEN || undefined;
  const namedTokens = namedTokensFrom(env.TRAILHOUND_TOKENS);
  // With both, a change made with the shared token would be signed TRAILHOUND_USER, which may be
  // the name of one of the people: a log that cannot tell them apart. One or the other.
  if (token && Object.keys(namedTokens).length > 0) {
    throw new TrailhoundError('BAD_SETTING', 'TRAILHOUND_TOKEN and TRAILHOUND_TOKENS are both set: a change made with the shared token could not be told from one of the named people.', 'Give everyone a named token in TRAILHOUND_TOKENS and unset TRAILHOUND_TOKEN (or keep only TRAILHOUND_TOKEN).');
  }
  return { ...(token ? { token } : {}), ...(Object.keys(namedTokens).length ? { namedTokens } : {}), user: defaultUser(env) };
}

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Starts the HTTP server. It listens on loopback unless told otherwise, and it refuses any other
 * address without TRAILHOUND_TOKEN: the graph holds an organisation's whole activity.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const guarded = Boolean(options.token) || Object.keys(options.namedTokens ?? {}).length > 0;
  if (!isLoopback(options.host) && !guarded) {
    throw new TrailhoundError(
      'INSECURE_BIND',
      `Refusing to listen on ${options.host} without an access token.`,
      'Set TRAILHOUND_TOKEN (or TRAILHOUND_TOKENS, one per person) to a long random string (clients send it as "Authorization: Bearer <token>"), or keep the default host 127.0.0.1.',
    );
  }
  const app = createApp({
    graph: options.graph,
    events: options.events,
    version: options.version,
    ...(options.token ? { token: options.token } : {}),
    ...(options.namedTokens ? { namedTokens: options.namedTokens } : {}),
    ...(options.user ? { user: options.user } : {}),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, options.host, () => resolve(s));
    s.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new TrailhoundError('PORT_IN_USE', `Port ${options.port} on ${options.host} is already in use.`, 'Pick another with --port.')
          : error,
      ),
    );
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 10 * 60_000; // exports stream for a long time
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
