import { cloudTrailSource } from './cloudtrail/source';
import { guardDutySource } from './guardduty/source';
import type { LogSource } from './pipeline/types';
import { ocsfSource } from './ocsf/source';
import { vpcFlowSource } from './vpcflow/source';

/** Every log source Trailhound reads. Adding one is a folder under ingest/ and a line here. */
export const sources: Readonly<Record<string, LogSource>> = {
  cloudtrail: cloudTrailSource,
  vpcflow: vpcFlowSource,
  guardduty: guardDutySource,
  ocsf: ocsfSource,
};
