import { cloudTrailSource } from './cloudtrail/source';
import type { LogSource } from './pipeline/types';

/** Every log source Trailhound reads. Adding one is a folder under ingest/ and a line here. */
export const sources: Readonly<Record<string, LogSource>> = {
  cloudtrail: cloudTrailSource,
};
