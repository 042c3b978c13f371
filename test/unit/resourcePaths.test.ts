import { describe, expect, it } from 'vitest';
import { resourcesOf } from '../../ingest/cloudtrail/resources';

/** The resources a call names where its request nests them: arrays walked item by item, within caps. */
const instances = (event: Record<string, unknown>) =>
  resourcesOf({ eventSource: 'ec2.amazonaws.com', ...event }, 'us-east-1', '111122223333', 'aws')
    .filter((r) => r.label === 'Ec2Instance')
    .map((r) => r.key);

describe('resources named along a path of the request', () => {
  it('walks arrays of objects and arrays of names, each value once', () => {
    const ids = ['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2', 'i-0aaaaaaaaaaaaaaa3'];
    expect(instances({ requestParameters: { instancesSet: { items: ids.map((instanceId) => ({ instanceId })) } } })).toEqual(ids);
    expect(instances({ requestParameters: { instanceIds: [...ids, ids[0]] } })).toEqual(ids);
  });

  it('skips what is not on the path: a scalar where an array is expected, objects without the name, values that are not text', () => {
    expect(instances({ requestParameters: { instancesSet: { items: 'i-0aaaaaaaaaaaaaaa1' } } })).toEqual([]);
    expect(instances({ requestParameters: { instancesSet: { items: [{ other: 'i-0aaaaaaaaaaaaaaa1' }, null, 7, { instanceId: 7 }] } } })).toEqual([]);
    expect(instances({ requestParameters: { instanceIds: { 0: 'i-0aaaaaaaaaaaaaaa1' } } })).toEqual([]);
  });

  it('takes at most 100 values a path and no value over 2 KB: every field is attacker-controlled', () => {
    const many = Array.from({ length: 250 }, (_, i) => `i-${String(i).padStart(17, '0')}`);
    const found = instances({ requestParameters: { instanceIds: many } });
    expect(found).toEqual(many.slice(0, 100));
    const nested = instances({ requestParameters: { instancesSet: { items: many.map((instanceId) => ({ instanceId })) } } });
    expect(nested).toEqual(many.slice(0, 100));
    expect(instances({ requestParameters: { instanceIds: [`i-${'0'.repeat(2100)}`, 'i-0aaaaaaaaaaaaaaa1'] } })).toEqual(['i-0aaaaaaaaaaaaaaa1']);
  });
});
