/**
 * GuardDuty's own words for what a finding is about (`resource.resourceType`), some of which
 * are also graph labels; kept here, apart, so that nothing mistakes one for the other.
 */
export const GuardDutyResourceType = {
  accessKey: 'AccessKey',
  instance: 'Instance',
  s3Bucket: 'S3Bucket',
} as const;
