/**
 * The AWS SDK, loaded the first time a command talks to AWS. Its clients are 31 MB of resident
 * memory once loaded (S3 20, GuardDuty 7, CloudTrail 4), which an ingest of local files, `serve`
 * and every export would otherwise carry for nothing (docs/benchmarks.md).
 */
export const s3Sdk = () => import('@aws-sdk/client-s3');
export const cloudTrailSdk = () => import('@aws-sdk/client-cloudtrail');
export const guardDutySdk = () => import('@aws-sdk/client-guardduty');
export const credentialsSdk = () => import('@aws-sdk/credential-provider-node');
