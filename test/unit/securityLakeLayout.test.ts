import { describe, expect, it } from 'vitest';
import { isSecurityLakePrefix, lakeLayoutStart } from '../../ingest/aws/securityLakeObjects';

const VPC = 'aws/VPC_FLOW/2.0/';

describe('where a prefix sits in the Security Lake layout', () => {
  it('takes the bucket root and an aws/ folder, with any folders before it, as the lake root', () => {
    expect(lakeLayoutStart('')).toEqual({ root: 'aws/' });
    expect(lakeLayoutStart('aws/')).toEqual({ root: 'aws/' });
    expect(lakeLayoutStart('aws')).toEqual({ root: 'aws/' });
    expect(lakeLayoutStart('lake/aws/')).toEqual({ root: 'lake/aws/' });
    expect(lakeLayoutStart('org/lake/aws/')).toEqual({ root: 'org/lake/aws/' });
  });

  it('names each level a whole folder gives: source, version, region, account, day', () => {
    expect(lakeLayoutStart('aws/VPC_FLOW/')).toEqual({ root: 'aws/', source: 'VPC_FLOW' });
    expect(lakeLayoutStart(VPC)).toEqual({ root: 'aws/', source: 'VPC_FLOW', version: '2.0' });
    expect(lakeLayoutStart(`${VPC}region=us-east-1/`)).toEqual({ root: 'aws/', source: 'VPC_FLOW', version: '2.0', region: 'us-east-1' });
    expect(lakeLayoutStart(`lake/${VPC}region=us-gov-west-1/accountId=111122223333/`)).toEqual({
      root: 'lake/aws/',
      source: 'VPC_FLOW',
      version: '2.0',
      region: 'us-gov-west-1',
      account: '111122223333',
    });
    expect(lakeLayoutStart(`${VPC}region=us-east-1/accountId=111122223333/eventDay=20261101/`)).toEqual({
      root: 'aws/',
      source: 'VPC_FLOW',
      version: '2.0',
      region: 'us-east-1',
      account: '111122223333',
      day: '20261101',
    });
  });

  it('refuses partial names, so that whatever they match is read whole', () => {
    expect(lakeLayoutStart('aws/VPC_F')).toBeNull();
    expect(lakeLayoutStart('aws/VPC_FLOW')).toBeNull();
    expect(lakeLayoutStart(`${VPC}region=us-ea`)).toBeNull();
    expect(lakeLayoutStart('lake/')).toBeNull();
    expect(lakeLayoutStart('lake')).toBeNull();
    expect(lakeLayoutStart('myaws/')).toBeNull();
  });

  it('refuses folders that are not their level: a bad account, region, version or day, or an object key', () => {
    expect(lakeLayoutStart(`${VPC}region=us-east-1/accountId=1111/`)).toBeNull();
    expect(lakeLayoutStart(`${VPC}region=us-east-1/accountId=11112222333a/`)).toBeNull();
    expect(lakeLayoutStart(`${VPC}us-east-1/`)).toBeNull();
    expect(lakeLayoutStart('aws/VPC_FLOW/latest/')).toBeNull();
    expect(lakeLayoutStart('aws/vpc_flow/')).toBeNull();
    expect(lakeLayoutStart(`${VPC}region=us-east-1/accountId=111122223333/eventDay=2026-11-01/`)).toBeNull();
    expect(lakeLayoutStart(`${VPC}region=us-east-1/accountId=111122223333/eventDay=20261101/abc.gz.parquet`)).toBeNull();
    expect(lakeLayoutStart(`${VPC}region=us-east-1/accountId=111122223333/eventDay=20261101/deeper/`)).toBeNull();
    expect(lakeLayoutStart('AWSLogs/111122223333/CloudTrail/')).toBeNull();
  });

  it('finds the lake under another folder called aws', () => {
    expect(lakeLayoutStart('aws/backups/aws/VPC_FLOW/')).toEqual({ root: 'aws/backups/aws/', source: 'VPC_FLOW' });
  });
});

describe('telling a Security Lake prefix apart', () => {
  it('is true at or below an aws/ folder', () => {
    for (const prefix of ['aws/', 'aws', 'lake/aws/', 'aws/SH_FINDINGS/', `${VPC}region=eu-west-1/accountId=111122223333/eventDay=20261101/`]) {
      expect(isSecurityLakePrefix(prefix), prefix).toBe(true);
    }
  });

  it('is false for the bucket root, which any layout shares, and for anything outside the layout', () => {
    for (const prefix of ['', 'lake/', 'AWSLogs/', 'AWSLogs/111122223333/', 'aws/VPC_F', `${VPC}region=us-east-1/accountId=1111/`]) {
      expect(isSecurityLakePrefix(prefix), prefix).toBe(false);
    }
  });
});
