import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InputFile } from '../../ingest/pipeline/types';
import { listSecurityLake, type LakeWalk } from '../../ingest/aws/securityLakeObjects';
import { startMotoServer } from '../support/motoServer';

const BUCKET = 'aws-security-data-lake-us-east-1-abc123';
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret' };
const READ = ['CLOUD_TRAIL_MGMT', 'VPC_FLOW'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const ACCOUNTS = ['111122223333', '444455556666'];
const DAYS = ['20261101', '20261102', '20261103'];

const dayFolder = (source: string, region: string, account: string, day: string) => `aws/${source}/2.0/region=${region}/accountId=${account}/eventDay=${day}/`;
const objectKey = (source: string, region: string, account: string, day: string) => `${dayFolder(source, region, account, day)}${source.toLowerCase()}-${day}.gz.parquet`;

/** Every key of the lake for the sources, regions, accounts and days given (all when not given). */
function keysOf(only: { sources?: string[]; regions?: string[]; accounts?: string[]; days?: string[] } = {}): string[] {
  return (only.sources ?? READ).flatMap((source) =>
    (only.regions ?? REGIONS).flatMap((region) => (only.accounts ?? ACCOUNTS).flatMap((account) => (only.days ?? DAYS).map((day) => objectKey(source, region, account, day)))),
  );
}

const keysListed = (inputs: readonly InputFile[]) => inputs.map((input) => input.path.slice(`s3://${BUCKET}/`.length)).sort();

/**
 * Listing an Amazon Security Lake bucket with the real S3 client against moto's S3 server: the
 * aws/<SOURCE>/<version>/region=/accountId=/eventDay= layout walked a level at a time, the
 * sources Trailhound does not read named and left out, and regions, accounts and days not asked
 * for pruned before their objects are ever listed.
 */
describe('listing a Security Lake bucket', () => {
  let moto: Awaited<ReturnType<typeof startMotoServer>>;
  let walk: LakeWalk;
  const savedEnv = { ...process.env };
  /** The ListObjectsV2 requests the walk sent, recorded by wrapping the client's send. */
  let listings: ListObjectsV2CommandInput[] = [];

  beforeAll(async () => {
    moto = await startMotoServer();
    Object.assign(process.env, CREDENTIALS, { AWS_EC2_METADATA_DISABLED: 'true' });
    delete process.env.AWS_PROFILE;
    walk = { region: 'us-east-1', endpointUrl: moto.url };
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.url, forcePathStyle: true, credentials: { accessKeyId: CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: CREDENTIALS.AWS_SECRET_ACCESS_KEY } });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    // Listing never reads an object: a short body stands in for the Parquet file.
    const put = (key: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `bytes of ${key}` }));
    for (const key of [...keysOf(), ...keysOf({ sources: ['ROUTE53'] })]) await put(key);
    await put('ext/partnerEdr/region=us-east-1/accountId=111122223333/eventDay=20261101/edr.gz.parquet');
    s3.destroy();

    const send = S3Client.prototype.send;
    vi.spyOn(S3Client.prototype, 'send').mockImplementation(function (this: S3Client, ...args: Parameters<S3Client['send']>) {
      const command = args[0];
      if (command instanceof ListObjectsV2Command) listings.push(command.input);
      return (send as (...a: unknown[]) => unknown).apply(this, args);
    } as S3Client['send']);
  });
  afterEach(() => {
    listings = [];
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    process.env = savedEnv;
    await moto?.stop();
  });

  const list = async (prefix: string, filters: Omit<LakeWalk, 'region'> = {}) => {
    const result = await listSecurityLake({ bucket: BUCKET, prefix }, { ...walk, ...filters });
    result.client.destroy();
    return result;
  };

  it('lists every object of the sources it reads, each hinted as OCSF, and names the sources it skipped', async () => {
    const { inputs, skippedSources } = await list('');
    expect(keysListed(inputs)).toEqual(keysOf().sort());
    expect(new Set(inputs.map((input) => input.sourceHint))).toEqual(new Set(['ocsf']));
    expect(inputs[0]!.ledgerKey).toMatch(new RegExp(`^s3:${BUCKET}/aws/.+\\.gz\\.parquet#[0-9a-f]{32}$`));
    expect(skippedSources).toEqual(['ROUTE53', 'ext/partnerEdr']);
    // Nothing under the skipped sources was listed, not even their versions.
    expect(listings.filter((l) => /ROUTE53|partnerEdr/.test(l.Prefix ?? ''))).toEqual([]);
  });

  it('streams an object it listed', async () => {
    const { inputs } = await list('aws/VPC_FLOW/2.0/region=eu-west-1/accountId=444455556666/eventDay=20261103/');
    expect(inputs).toHaveLength(1);
    const chunks: Buffer[] = [];
    for await (const chunk of await inputs[0]!.open!()) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).toString()).toBe(`bytes of ${objectKey('VPC_FLOW', 'eu-west-1', '444455556666', '20261103')}`);
  });

  it('keeps only the regions, accounts and days asked for, a day kept when it overlaps the time range', async () => {
    expect(keysListed((await list('', { regions: ['eu-west-1'] })).inputs)).toEqual(keysOf({ regions: ['eu-west-1'] }).sort());
    expect(keysListed((await list('', { accounts: ['444455556666'] })).inputs)).toEqual(keysOf({ accounts: ['444455556666'] }).sort());
    // From one hour before 2 November to one hour into it: 1 and 2 November.
    const overlapping = await list('', { from: Date.UTC(2026, 10, 1, 23), to: Date.UTC(2026, 10, 2, 1) });
    expect(keysListed(overlapping.inputs)).toEqual(keysOf({ days: ['20261101', '20261102'] }).sort());
    expect(keysListed((await list('', { from: Date.UTC(2026, 10, 3) })).inputs)).toEqual(keysOf({ days: ['20261103'] }).sort());
    expect(keysListed((await list('', { to: Date.UTC(2026, 10, 1, 12) })).inputs)).toEqual(keysOf({ days: ['20261101'] }).sort());
  });

  it('lists no objects and no folders under a region, account or day it pruned', async () => {
    const { inputs } = await list('', { regions: ['eu-west-1'], accounts: ['444455556666'], from: Date.UTC(2026, 10, 2, 10), to: Date.UTC(2026, 10, 2, 12) });
    expect(keysListed(inputs)).toEqual(keysOf({ regions: ['eu-west-1'], accounts: ['444455556666'], days: ['20261102'] }).sort());
    const folderListings = listings.filter((l) => l.Delimiter === '/').map((l) => l.Prefix).sort();
    expect(folderListings).toEqual(
      [
        'ext/',
        'aws/',
        ...READ.flatMap((source) => [`aws/${source}/`, `aws/${source}/2.0/`, `aws/${source}/2.0/region=eu-west-1/`, `aws/${source}/2.0/region=eu-west-1/accountId=444455556666/`]),
      ].sort(),
    );
    // Objects are listed in the kept day folders only.
    const objectListings = listings.filter((l) => l.Delimiter === undefined).map((l) => l.Prefix).sort();
    expect(objectListings).toEqual(READ.map((source) => dayFolder(source, 'eu-west-1', '444455556666', '20261102')).sort());
  });

  it('walks from the level a prefix names, taking that level without listing above it', async () => {
    const regionPrefix = 'aws/CLOUD_TRAIL_MGMT/2.0/region=us-east-1/';
    const { inputs, skippedSources } = await list(regionPrefix, { accounts: ['111122223333'] });
    expect(keysListed(inputs)).toEqual(keysOf({ sources: ['CLOUD_TRAIL_MGMT'], regions: ['us-east-1'], accounts: ['111122223333'] }).sort());
    expect(skippedSources).toEqual([]);
    expect(listings.every((l) => l.Prefix?.startsWith(regionPrefix))).toBe(true);
    expect(listings.filter((l) => l.Delimiter === '/').map((l) => l.Prefix)).toEqual([regionPrefix, `${regionPrefix}accountId=111122223333/`]);
  });

  it('filters by the key under a prefix that is no whole folder of the layout', async () => {
    // "aws/VPC_F" matches the VPC_FLOW folder: every object under it is listed, then filtered.
    const { inputs } = await list('aws/VPC_F', { regions: ['us-east-1'], from: Date.UTC(2026, 10, 3) });
    expect(keysListed(inputs)).toEqual(keysOf({ sources: ['VPC_FLOW'], regions: ['us-east-1'], days: ['20261103'] }).sort());
    expect(listings.map((l) => [l.Prefix, l.Delimiter])).toEqual([['aws/VPC_F', undefined]]);
  });

  it('says what it found nothing for, and where Security Lake writes', async () => {
    const hint = expect.stringContaining('aws/<SOURCE>/<version>/region=<region>/accountId=<account>/eventDay=<YYYYMMDD>/');
    await expect(list('', { accounts: ['999999999999'] })).rejects.toMatchObject({
      code: 'S3_EMPTY',
      message: expect.stringMatching(new RegExp(`^No Security Lake objects .* under s3://${BUCKET}/ for the accounts, regions and times asked`)),
      hint,
    });
    await expect(list('aws/ROUTE53/')).rejects.toMatchObject({ code: 'S3_EMPTY', message: expect.stringContaining('sources skipped: ROUTE53'), hint });
    await expect(list('aws/ROUTE53/')).rejects.toMatchObject({ message: expect.not.stringContaining('for the accounts') });
    await expect(listSecurityLake({ bucket: 'no-such-lake-bucket', prefix: '' }, walk)).rejects.toMatchObject({ code: 'S3_NO_BUCKET' });
  });
});
