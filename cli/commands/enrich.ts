import { Command } from 'commander';
import { neo4jSettingsFromEnv } from '../../graph/config';
import { Graph } from '../../graph/driver';
import { enrichAddresses } from '../../ingest/enrich/enrichAddresses';
import { geoDatabaseInfo } from '../../ingest/enrich/geoDatabase';
import { ProgressLine } from '../progressLine';

export function enrichCommand(): Command {
  return new Command('enrich')
    .description('give public IP addresses a country and network owner (ASN) from the offline database; ingest does this for new addresses')
    .action(async () => {
      const graph = await Graph.connect(neo4jSettingsFromEnv());
      const line = new ProgressLine();
      try {
        const info = geoDatabaseInfo();
        const summary = await enrichAddresses(graph, (n) => line.update(`locating public addresses: ${n.toLocaleString('en-US')} looked up`));
        line.done(
          `Looked up ${summary.examined.toLocaleString('en-US')} public address(es), located ${summary.located.toLocaleString('en-US')} ` +
            `(country data of ${info.countryDate}, ASN data of ${info.asnDate}) in ${summary.seconds.toFixed(1)} s.`,
        );
      } finally {
        await graph.close();
      }
    });
}
