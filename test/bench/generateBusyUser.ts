import { BackgroundActivity } from '../../demo/cloudtrail/background';
import { writeCloudTrailFile } from '../../demo/cloudtrail/delivery';
import { buildWorld, type User, type World } from '../../demo/cloudtrail/world';
import { Random } from '../../demo/random';

const DAY = 24 * 3_600_000;

/**
 * An automation user of the benchmark's organisation (the same world as generateCloudTrail's,
 * seed 42): an ETL job's long-term key, used around the clock from two US offices, an AWS
 * address in Frankfurt and one in Great Britain, assuming the people's roles to do its work.
 */
export const BUSY_USER = {
  name: 'etl-runner',
  account: '111122223333',
  arn: 'arn:aws:iam::111122223333:user/etl-runner',
  ips: ['38.140.201.31', '64.124.12.33', '3.120.10.20', '81.2.69.142'],
  userAgent: 'Boto3/1.34.131 md/Botocore#1.34.131 ua/2.0 os/linux#5.10.219-208.866.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.3',
} as const;

/** The window the busy user is active in: the last four weeks of the benchmark's 30 days. */
export const BUSY_WINDOW = { from: Date.UTC(2026, 9, 4), to: Date.UTC(2026, 10, 1) };

/** The scope the benchmark investigates: the busy user's last two weeks, against the two before. */
export const BUSY_SCOPE = { from: BUSY_WINDOW.to - 14 * DAY, to: BUSY_WINDOW.to };

/**
 * Writes `events` CloudTrail events of the busy user, its role sessions and the odd AWS service
 * call between them (the organisation's everyday mix: BackgroundActivity, with the busy user as
 * its only person), spread evenly over BUSY_WINDOW, as one S3-style `{"Records":[...]}` file.
 */
export async function generateBusyUserFile(path: string, events: number, seed = 43): Promise<number> {
  const world = buildWorld(new Random(42), 1);
  const random = new Random(seed);
  const user: User = { ...BUSY_USER, principalId: random.keyId('AIDA'), accessKeyId: random.keyId('AKIA'), weight: 1 };
  // Only the roles people assume, and only by it: every session in the file is one of its.
  const roles = world.roles.filter((r) => Array.isArray(r.assumedBy)).map((r) => ({ ...r, assumedBy: [user.name] }));
  const busy: World = { ...world, users: [user], roles };
  return writeCloudTrailFile(path, new BackgroundActivity(busy, random, BUSY_WINDOW.from, BUSY_WINDOW.to).events(events));
}
