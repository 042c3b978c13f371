import type { TableName, tables } from './tables';

/** The JavaScript value of a column type (null: not logged). */
type ValueOf<T> = T extends 'BIGINT' | 'INTEGER' ? number : T extends 'BOOLEAN' ? boolean : T extends 'VARCHAR[]' ? readonly string[] : string;

type Columns<T extends TableName> = (typeof tables)[T]['columns'];

/** One row of a table, as ingest writes it and readers get it back: a value (or null) per declared column. */
export type RowOf<T extends TableName> = { -readonly [C in keyof Columns<T>]: (Columns<T>[C] extends { type: infer K } ? ValueOf<K> : never) | null };

export type CloudTrailRow = RowOf<'cloudtrail'> & { time: number; eventId: string };
export type FlowRecordRow = RowOf<'vpcflow'>;
export type FlowHourRow = RowOf<'vpcflow_hours'>;
