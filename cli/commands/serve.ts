import { Command, Option } from 'commander';
import { neo4jSettingsFromEnv } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { migrate } from '../../graph/migrate';
import { accessFromEnv, startServer } from '../../server/start';
import { VERSION } from '../version';
import { handleStopSignals } from '../stopSignals';
import { keepServingThroughStrayRejections } from '../strayRejections';
import { webUiBuilt } from '../../server/app';
import { openEventStore, type EventStore } from '../../store/eventStore';
import { storeDirFrom } from '../../store/storeIdentity';

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the investigation UI and API on http://127.0.0.1:8080')
    .addOption(new Option('--port <port>', 'port to listen on').env('TRAILHOUND_PORT').default('8080'))
    .addOption(new Option('--store <dir>', 'the event store folder (default: TRAILHOUND_EVENTS_DIR, else .data/events)'))
    .addOption(new Option('--host <host>', 'address to listen on; anything but loopback needs TRAILHOUND_TOKEN').env('TRAILHOUND_HOST').default('127.0.0.1'))
    .addHelpText(
      'after',
      `
The API is documented at /api/openapi.json. With TRAILHOUND_TOKEN set, every API request must
carry "Authorization: Bearer <token>"; without it the server only listens on loopback.

Cases record who changed what: TRAILHOUND_TOKENS="alice=<token>,bob=<token>" gives each person
their own token, and the case log names its holder; otherwise changes are signed TRAILHOUND_USER
(default: this machine's user name).`,
    )
    .action(async (flags: { port: string; host: string; store?: string }) => {
      // SIGINT, SIGTERM or SIGHUP, from the terminal or a supervisor, once or many times: one orderly stop.
      const stop = handleStopSignals();
      const stopGuarding = keepServingThroughStrayRejections();
      const graph = await Graph.connect(neo4jSettingsFromEnv());
      let events: EventStore | null = null;
      try {
        await migrate(graph, (message) => process.stderr.write(`${message}\n`));
        events = await openEventStore(graph, storeDirFrom(flags.store));
        const access = accessFromEnv();
        const server = await startServer({ graph, events, host: flags.host || '127.0.0.1', port: Number(flags.port), version: VERSION, ...access });
        process.stderr.write(`Trailhound is serving on ${server.url} (API: ${server.url}/api/openapi.json)${access.token || access.namedTokens ? ', token required' : ''}. Ctrl-C stops it.\n`);
        if (!webUiBuilt()) process.stderr.write('  → The web UI is not built (npm ci builds it); build it with: npm run build\n');
        await stop.stopRequested;
        // Ends open requests too: an export in flight is cut, its client sees the connection close.
        await server.close();
      } finally {
        await events?.close();
        await graph.close();
        stop.dispose();
        stopGuarding();
      }
    });
}
