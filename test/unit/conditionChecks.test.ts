import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conditionalRulesMet, type ConditionalCall } from '../../graph/investigations/indicators/conditionChecks';
import type { EventStore, ReadRange, StoreParams } from '../../store/eventStore';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'cloudtrail', 'stratus-red-team', 'aws.credential-access.ssm-retrieve-securestring-parameters.json');
const decrypted = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>[]).filter((e) => e.eventName === 'GetParameters');
/** The same call, reading the parameters as stored (encrypted): no technique. */
const plain = { ...decrypted[0]!, eventID: 'plain-read', requestParameters: { names: ['/app/config'], withDecryption: false } };

/** A store holding these records, which counts what it is asked to read. */
function storeOf(records: Record<string, unknown>[]) {
  const reads: { ids: readonly string[]; range: ReadRange | undefined }[] = [];
  const byId = new Map(records.map((r) => [String(r.eventID), JSON.stringify(r)]));
  const store = {
    all: async (_sql: unknown, params: StoreParams, range?: ReadRange) => {
      const ids = params.ids as readonly string[];
      reads.push({ ids, range });
      return ids.filter((id) => byId.has(id)).map((id) => ({ eventId: id, record: byId.get(id)! }));
    },
  };
  return { store: store as unknown as EventStore, reads };
}

const callOf = (record: Record<string, unknown>): ConditionalCall => ({
  eventId: String(record.eventID),
  time: Date.parse(String(record.eventTime)),
  eventSource: String(record.eventSource),
  eventName: String(record.eventName),
});

describe("the records of calls whose technique depends on what they asked", () => {
  it('say which calls read SSM parameters decrypted, and that a plain read is none', async () => {
    const { store } = storeOf([...decrypted, plain]);
    const met = await conditionalRulesMet(store, [...decrypted, plain].map(callOf));
    for (const call of decrypted) expect(met.get(String(call.eventID))!.map((r) => r.when?.kind)).toEqual(['withDecryption']);
    expect(met.get('plain-read')).toEqual([]);
  });

  it('are read from the segments that hold the calls alone, by the instants of the calls', async () => {
    const { store, reads } = storeOf(decrypted);
    await conditionalRulesMet(store, decrypted.map(callOf));
    expect(reads).toHaveLength(1);
    expect(reads[0]!.range).toEqual(decrypted.map((e) => ({ from: Date.parse(String(e.eventTime)), to: Date.parse(String(e.eventTime)) })));
  });

  it('are read once: investigating the same calls again reads none, and a new call alone', async () => {
    const { store, reads } = storeOf([...decrypted, plain]);
    await conditionalRulesMet(store, decrypted.map(callOf));
    const again = await conditionalRulesMet(store, [...decrypted, plain].map(callOf));
    expect(reads.map((r) => r.ids)).toEqual([decrypted.map((e) => String(e.eventID)), ['plain-read']]);
    expect(again.get(String(decrypted[0]!.eventID))!.map((r) => r.when?.kind)).toEqual(['withDecryption']);
  });

  it('are remembered per store: another store reads its own', async () => {
    const first = storeOf(decrypted);
    const second = storeOf(decrypted);
    await conditionalRulesMet(first.store, decrypted.map(callOf));
    await conditionalRulesMet(second.store, decrypted.map(callOf));
    expect(second.reads).toHaveLength(1);
  });
});
