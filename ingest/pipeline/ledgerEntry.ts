import type { RecordFacts } from '../../graph/facts';
import { Label } from '../../graph/vocabulary';

/**
 * The ledger entry of a whole input (a flow-log file by its content hash, an S3 object by its
 * key and ETag). It vouches for every record of the input, so it is written after them.
 */
export function ledgerEntry(entry: { key: string; source: string; location: string; size: number; records: number; ingestedAt: number }): RecordFacts {
  return {
    record: {
      label: Label.IngestedObject,
      key: entry.key,
      props: { contentHash: entry.key, source: entry.source, location: entry.location, size: entry.size, records: entry.records, ingestedAt: entry.ingestedAt },
    },
    time: entry.ingestedAt,
    nodes: [],
    edges: [],
    records: 0,
    afterEarlierBatches: true,
  };
}
