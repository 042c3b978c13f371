import { describe, expect, it } from 'vitest';
import { MERGE_ALL, MERGE_TINY, MERGED_ROWS, planMerges } from '../../store/compact';
import type { Segment } from '../../store/manifest';
import type { TableName } from '../../store/tables';

let n = 0;
function segment(table: TableName, day: string, rows: number, minTime: number): Segment {
  n += 1;
  const id = n.toString(16).padStart(16, '0');
  return { path: `source=${table}/day=${day}/part-${id}-1.parquet`, table, day, rows, minTime, maxTime: minTime + 1000, commit: id, bytes: rows * 100 };
}

describe('planning a compaction', () => {
  it('merges, per table and day, the segments smaller than a merged one, in time order, into groups of at most the merged size', () => {
    const day = '2026-11-28';
    const segments = [
      segment('cloudtrail', day, 40_000, 3000),
      segment('cloudtrail', day, 40_000, 1000),
      segment('cloudtrail', day, 40_000, 2000),
      segment('cloudtrail', day, MERGED_ROWS.cloudtrail, 500), // already merged size: left alone
      segment('cloudtrail', '2026-11-29', 10, 9000), // alone on its day: nothing to merge with
      segment('vpcflow', day, 10, 100),
      segment('vpcflow', day, 20, 50),
    ];
    const groups = planMerges(segments, MERGE_ALL);
    expect(groups.map((g) => [g.table, g.day, g.inputs.map((s) => s.minTime), g.rows])).toEqual([
      // 3 x 40,000 exceeds 100,000: the first two (in time order) make one file; the third is left alone.
      ['cloudtrail', day, [1000, 2000], 80_000],
      ['vpcflow', day, [50, 100], 30],
    ]);
    for (const group of groups) expect(group.rows).toBeLessThanOrEqual(MERGED_ROWS[group.table]);
  });

  it('after an ingest, merges only a day that gathered many tiny segments, and only those', () => {
    const day = '2026-11-28';
    const tiny = Array.from({ length: 31 }, (_, i) => segment('cloudtrail', day, 100, i * 10));
    const full = segment('cloudtrail', day, 10_000, 5);
    expect(planMerges([...tiny, full], MERGE_TINY)).toEqual([]);
    const more = [...tiny, segment('cloudtrail', day, 100, 999), full];
    const groups = planMerges(more, MERGE_TINY);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.inputs).toHaveLength(32);
    expect(groups[0]!.inputs).not.toContain(full);
    expect(groups[0]!.rows).toBe(3_200);
  });

  it('keeps to the tables and days asked for', () => {
    const segments = [
      segment('cloudtrail', '2026-11-28', 10, 1),
      segment('cloudtrail', '2026-11-28', 10, 2),
      segment('cloudtrail', '2026-11-29', 10, 3),
      segment('cloudtrail', '2026-11-29', 10, 4),
      segment('vpcflow_hours', '2026-11-28', 10, 5),
      segment('vpcflow_hours', '2026-11-28', 10, 6),
    ];
    expect(planMerges(segments, MERGE_ALL, { days: ['2026-11-29'] }).map((g) => `${g.table} ${g.day}`)).toEqual(['cloudtrail 2026-11-29']);
    expect(planMerges(segments, MERGE_ALL, { tables: ['vpcflow_hours'] }).map((g) => `${g.table} ${g.day}`)).toEqual(['vpcflow_hours 2026-11-28']);
    expect(planMerges(segments, MERGE_ALL).map((g) => `${g.table} ${g.day}`)).toEqual(['cloudtrail 2026-11-28', 'vpcflow_hours 2026-11-28', 'cloudtrail 2026-11-29']);
  });
});
