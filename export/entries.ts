import type { TimelineEvent } from '../graph/investigations/timeline';

/** A flow aggregate as a timeline entry: one FLOW edge (an hour of traffic between two addresses). */
export interface FlowEntry {
  readonly hour: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly src: string;
  readonly dst: string;
  readonly dstPort: number;
  readonly protocol: number;
  readonly action: string;
  readonly bytes: number;
  readonly packets: number;
  readonly flows: number;
}

export interface FindingEntry {
  readonly findingId: string;
  readonly type: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly severity: number | null;
  readonly severityLabel: string | null;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly updatedAt: string | null;
  readonly accountId: string | null;
  readonly region: string | null;
  readonly sample: boolean;
}

/**
 * One row of an exported timeline: a CloudTrail event, an hour of flows, a finding, or a note
 * from Trailhound itself (what the export had to leave out), which comes first, at the export's time.
 */
export type TimelineEntry =
  | { readonly type: 'event'; readonly time: string; readonly event: TimelineEvent; readonly raw: Record<string, unknown> | null }
  | { readonly type: 'flow'; readonly time: string; readonly flow: FlowEntry }
  /** `raw`: the finding as GuardDuty reported it, in formats that carry records (OCSF, JSON). */
  | { readonly type: 'finding'; readonly time: string; readonly finding: FindingEntry; readonly raw?: Record<string, unknown> | null }
  | { readonly type: 'note'; readonly time: string; readonly note: string };
