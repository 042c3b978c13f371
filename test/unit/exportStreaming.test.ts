import { request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Graph } from '../../graph/driver';
import { findEntityQuery } from '../../graph/investigations/readQueries';
import { Label } from '../../graph/vocabulary';
import { createApp } from '../../server/app';
import type { EventStore } from '../../store/eventStore';

/**
 * How an export behaves when the HTTP side goes wrong part-way: logic of the route, tested
 * with the real Express app over a socket and stand-ins for Neo4j and the event store that can
 * stream forever or fail on cue (a real store cannot be made to do either on demand). The
 * export's content against a real Neo4j and store is tested in test/integration/api.test.ts.
 */
const ADDRESS = '198.51.100.7';
/** A timeline row as the store streams it (store/queries/timelineEvents.ts TIMELINE_COLUMNS). */
const row = (id: string, time: number) =>
  JSON.stringify([id, time, 'GetObject', 's3.amazonaws.com', 'us-east-1', '111122223333', true, null, null, ADDRESS, null, 'x'.repeat(400), 'AKIAEXAMPLE', 'k']);

interface StandIn {
  graph: Graph;
  events: EventStore;
  /** Resolves when the event stream was closed (its connection would be released). */
  released: Promise<void>;
  batches: () => number;
}

/** A graph that knows one address, and a store that streams its events without end, or fails after `failAfter` batches. */
function standIns(failAfter = Infinity): StandIn {
  let batches = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const graph = {
    settings: { uri: 'bolt://127.0.0.1:1', database: 'neo4j' },
    read: async (query: string) =>
      query === findEntityQuery(Label.IpAddress) ? { records: [{ get: () => ({ labels: [Label.IpAddress], properties: { ip: ADDRESS } }) }] } : { records: [] },
  };
  const events = {
    all: async () => [],
    async *stream() {
      try {
        for (let i = 0; ; i++) {
          if (i >= failAfter) throw new Error('IO Error: the disk went away');
          const rows = [];
          for (let j = 0; j < 1000; j++) rows.push([row(`event-${i}-${j}`, 1_700_000_000_000 + i * 1000 + j)]);
          batches += 1;
          yield rows;
          await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        release();
      }
    },
  };
  return { graph: graph as unknown as Graph, events: events as unknown as EventStore, released, batches: () => batches };
}

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

async function listen({ graph, events }: StandIn): Promise<number> {
  server = createApp({ graph, events, version: 'test', webRoot: '/nonexistent' }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

const exportPath = `/api/export/timeline?entity=${encodeURIComponent(`IpAddress:${ADDRESS}`)}&format=csv`;

describe('timeline export over HTTP', () => {
  it('stops reading from the store when a client that stopped reading goes away', async () => {
    const standIn = standIns();
    const port = await listen(standIn);
    const response = await new Promise<IncomingMessage>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: exportPath }, resolve);
      req.end();
    });
    expect(response.statusCode).toBe(200);
    response.pause(); // a client that reads nothing: the server's writes wait for it
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sentBeforeLeaving = standIn.batches();
    response.destroy(); // ...and then goes away
    await standIn.released; // without the fix, the export waits for 'drain' forever (the test times out)
    expect(standIn.batches()).toBeLessThan(sentBeforeLeaving + 5);
  });

  it('cuts the download when the export fails part-way, instead of ending the file as if it were whole', async () => {
    const standIn = standIns(3);
    const port = await listen(standIn);
    const outcome = await new Promise<{ status: number | undefined; body: string; aborted: boolean }>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: exportPath }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode, body, aborted: false }));
        response.on('error', () => resolve({ status: response.statusCode, body, aborted: true }));
      });
      req.on('error', () => resolve({ status: undefined, body: '', aborted: true }));
      req.end();
    });
    expect(outcome.status).toBe(200); // the headers went before the failure
    expect(outcome.body.length).toBeGreaterThan(0);
    expect(outcome.aborted).toBe(true);
  });
});
