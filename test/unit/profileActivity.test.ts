import { describe, expect, it } from 'vitest';
import { summariseActivity } from '../../graph/investigations/activity';

const H1 = Date.UTC(2026, 9, 2, 7);
const H2 = H1 + 3_600_000;

describe('summariseActivity (a profile activity from three index-only reads)', () => {
  it('splits each hour into success and failure and sums calls per API', () => {
    const activity = summariseActivity({
      perHour: [
        { hour: H2, calls: 3 },
        { hour: H1, calls: 5 },
      ],
      perApi: [
        { source: 's3.amazonaws.com', name: 'GetObject', calls: 7 },
        { source: 'iam.amazonaws.com', name: 'ListUsers', calls: 1 },
      ],
      failed: [{ hour: H2, source: 's3.amazonaws.com', name: 'GetObject', calls: 2 }],
    });
    expect(activity.hourly).toEqual([
      { hour: H1, success: 5, failure: 0 },
      { hour: H2, success: 1, failure: 2 },
    ]);
    expect(activity.apis).toEqual([
      { service: 's3', name: 'GetObject', calls: 7, failures: 2 },
      { service: 'iam', name: 'ListUsers', calls: 1, failures: 0 },
    ]);
  });

  it('counts calls without a source or a name under "unknown", failed ones included, so totals stay exact', () => {
    const activity = summariseActivity({
      // 4 calls, of which the API index holds 1: three have no source or no name, one of them failed.
      perHour: [{ hour: H1, calls: 4 }],
      perApi: [{ source: 'sts.amazonaws.com', name: 'GetCallerIdentity', calls: 1 }],
      failed: [{ hour: H1, source: 'sts.amazonaws.com', name: null, calls: 1 }],
    });
    expect(activity.hourly).toEqual([{ hour: H1, success: 3, failure: 1 }]);
    expect(activity.apis).toContainEqual({ service: 'unknown', name: 'unknown', calls: 3, failures: 1 });
    expect(activity.apis.reduce((s, a) => s + a.calls, 0)).toBe(4);
  });
});
