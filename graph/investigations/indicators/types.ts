/**
 * What an investigation answers: indicators of compromise for one principal or access key over
 * a scope time, each explained in one sentence and carrying the evidence that proves it (the
 * events by id, and the timeline query that lists all of them). Amazon Detective's
 * investigations, with the reasoning shown.
 */

export const INDICATOR_TYPES = [
  'impossibleTravel',
  'instanceCredentialsOutside',
  'flaggedAddress',
  'technique',
  'newCountry',
  'newNetwork',
  'newRegion',
  'newUserAgent',
  'newApi',
  'newAddress',
  'failedCallBurst',
  'enumeration',
] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export const SEVERITIES = ['high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** An entity an indicator involves, as the graph names it (a click away). */
export interface InvolvedEntity {
  /** kind:key */
  readonly id: string;
  readonly kind: string;
  readonly key: string;
  readonly label: string;
  /** How it is involved: "source address", "session", "target". */
  readonly role: string;
}

/** The events behind an indicator: a sample by id, how many there are, and where all of them are. */
export interface Evidence {
  /** Up to ten events, earliest first. */
  readonly eventIds: readonly string[];
  /** How many events show it (eventIds is a sample when this is larger). */
  readonly eventCount: number;
  /** The timeline that lists every one of them (GET /api/entities/{kind}/{key}/timeline with these parameters). */
  readonly timeline: { readonly entity: string; readonly from: string; readonly to: string; readonly filters: Readonly<Record<string, string>> } | null;
}

export interface Indicator {
  /** Stable within an investigation: type and what it is about. */
  readonly id: string;
  readonly type: IndicatorType;
  readonly severity: Severity;
  /** A few words: "New country: Germany". */
  readonly title: string;
  /** One sentence in plain words: what was seen, and why it matters. */
  readonly explanation: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly entities: readonly InvolvedEntity[];
  readonly evidence: Evidence;
  /** MITRE ATT&CK tactics this indicator shows (techniques, and the tactics other indicators imply). */
  readonly tactics: readonly string[];
  /** Type-specific facts (speed and places of a travel, technique id, list names...). */
  readonly details: Readonly<Record<string, unknown>>;
}

/** Thresholds an investigation applies; each is a query parameter, and the answer repeats them. */
export interface IndicatorSettings {
  /** Speed above which travel between two calls is impossible (km/h). */
  readonly travelKmh: number;
  /** Travel shorter than this is never flagged: country positions are approximate (km). */
  readonly travelMinKm: number;
  /** The window in which failures and discovery calls are counted (minutes). */
  readonly burstMinutes: number;
  /** Access-denied failures in one window that make a burst. */
  readonly burstFailures: number;
  /** Distinct List/Describe APIs in one window that make enumeration. */
  readonly enumerationApis: number;
}

export const DEFAULT_SETTINGS: IndicatorSettings = {
  travelKmh: 1000,
  travelMinKm: 500,
  burstMinutes: 10,
  burstFailures: 10,
  enumerationApis: 5,
};
