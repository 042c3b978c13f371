import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRegion, describeAwsError, listOption, regionsOption } from '../../ingest/aws/awsClients';
import { parseLookupAttribute } from '../../ingest/aws/lookupEvents';
import { layoutStart } from '../../ingest/aws/s3Objects';
import { RateLimit } from '../../ingest/aws/rateLimit';
import { parseTimeArg } from '../../ingest/aws/timeArgs';

describe('--since and --until', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  it('reads durations back from now, ISO times, and "last"', () => {
    expect(parseTimeArg('--since', '2d', now)).toBe(now - 2 * 86_400_000);
    expect(parseTimeArg('--since', '90m', now)).toBe(now - 90 * 60_000);
    expect(parseTimeArg('--until', '2026-11-19T10:00:00Z', now)).toBe(Date.parse('2026-11-19T10:00:00Z'));
    expect(parseTimeArg('--since', 'last', now)).toBe('last');
  });
  it('refuses anything else with the forms it takes', () => {
    expect(() => parseTimeArg('--since', 'yesterday', now)).toThrow(/not a time/);
    expect(() => parseTimeArg('--until', 'last', now)).toThrow(/not a time/);
  });
});

describe('LookupEvents attributes', () => {
  it('takes Key=value with a key the API knows, in any case', () => {
    expect(parseLookupAttribute('username=carol')).toEqual({ AttributeKey: 'Username', AttributeValue: 'carol' });
    expect(parseLookupAttribute('EventName=ConsoleLogin')).toEqual({ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' });
    expect(() => parseLookupAttribute('User=carol')).toThrow(/not Key=value with a key LookupEvents knows/);
    expect(() => parseLookupAttribute('Username=')).toThrow();
  });
});

describe('the client-side rate limit', () => {
  it('spaces calls evenly at the given rate, and does not wait when calls are already slow', async () => {
    let clock = 0;
    const waits: number[] = [];
    const limit = new RateLimit(2, () => clock, async (ms) => {
      waits.push(ms);
      clock += ms;
    });
    await limit.take();
    await limit.take();
    await limit.take();
    expect(waits).toEqual([500, 500]);
    clock += 2000;
    await limit.take();
    expect(waits).toEqual([500, 500]);
  });
});

describe('AWS errors', () => {
  it('become one line that says what to do, with key ids cut', () => {
    const denied = describeAwsError(Object.assign(new Error('User AKIAABCDEFGHIJKLMNOP is not authorized to perform: guardduty:ListFindings'), { name: 'AccessDeniedException' }), 'GuardDuty ListFindings');
    expect(denied.code).toBe('AWS_ACCESS_DENIED');
    expect(denied.message).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(describeAwsError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'x').code).toBe('AWS_NO_CREDENTIALS');
  });
});

describe('the region when none is named', () => {
  it("comes from the SDK's chain: AWS_REGION first, then the profile's region in the shared config", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailhound-aws-config-'));
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, AWS_PROFILE: process.env.AWS_PROFILE };
    try {
      writeFileSync(join(dir, 'config'), '[default]\nregion = eu-central-1\n[profile incident]\nregion = ap-southeast-2\n');
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      delete process.env.AWS_REGION;
      delete process.env.AWS_PROFILE;
      expect(await defaultRegion('incident')).toBe('ap-southeast-2');
      expect(await defaultRegion()).toBe('eu-central-1');
      process.env.AWS_REGION = 'sa-east-1';
      expect(await defaultRegion('incident')).toBe('sa-east-1');
      delete process.env.AWS_REGION;
      // (The SDK keeps a config file it has read: a file without a region is another file.)
      writeFileSync(join(dir, 'no-region'), '[default]\noutput = json\n');
      process.env.AWS_CONFIG_FILE = join(dir, 'no-region');
      expect(await defaultRegion()).toBeUndefined();
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads --region and --regions lists, either or both', () => {
    expect(listOption(' us-east-1, eu-west-1 ,,')).toEqual(['us-east-1', 'eu-west-1']);
    expect(listOption(undefined)).toEqual([]);
    expect(regionsOption({ region: 'us-east-1', regions: 'eu-west-1,us-east-1' })).toEqual(['us-east-1', 'eu-west-1']);
    expect(regionsOption({ regions: 'ap-south-1' })).toEqual(['ap-south-1']);
    expect(regionsOption({})).toEqual([]);
  });
});

describe('where an S3 prefix sits in the AWSLogs layout', () => {
  it('names the levels a prefix gives, at any depth, with or without an organisation folder', () => {
    expect(layoutStart('')).toEqual({ root: 'AWSLogs/', date: [] });
    expect(layoutStart('AWSLogs')).toEqual({ root: 'AWSLogs/', date: [] });
    expect(layoutStart('trails/AWSLogs/')).toEqual({ root: 'trails/AWSLogs/', date: [] });
    expect(layoutStart('AWSLogs/111122223333/CloudTrail/')).toEqual({ root: 'AWSLogs/', account: '111122223333', service: 'CloudTrail', date: [] });
    expect(layoutStart('AWSLogs/o-abc123/111122223333/vpcflowlogs/eu-west-1/2026/11/')).toEqual({
      root: 'AWSLogs/', org: 'o-abc123', account: '111122223333', service: 'vpcflowlogs', region: 'eu-west-1', date: ['2026', '11'],
    });
    expect(layoutStart('AWSLogs/o-abc123/')).toEqual({ root: 'AWSLogs/', org: 'o-abc123', date: [] });
  });
  it('leaves anything else to be read whole: partial names, other layouts, other services', () => {
    expect(layoutStart('AWSLogs/1111')).toBeNull();
    expect(layoutStart('exports/2026/')).toBeNull();
    expect(layoutStart('MyAWSLogs/')).toBeNull();
    expect(layoutStart('AWSLogs/111122223333/Config/')).toBeNull();
    expect(layoutStart('AWSLogs/not-an-account/CloudTrail/')).toBeNull();
    expect(layoutStart('AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/28/extra/')).toBeNull();
  });
});
