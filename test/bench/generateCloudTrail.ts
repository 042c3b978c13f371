import { Command } from 'commander';
import { BackgroundActivity } from '../../demo/cloudtrail/background';
import { writeCloudTrailFile } from '../../demo/cloudtrail/delivery';
import { buildWorld } from '../../demo/cloudtrail/world';
import { Random } from '../../demo/random';

/** Writes N realistic CloudTrail events into one S3-style `{"Records":[...]}` file. */
export async function generateCloudTrailFile(path: string, events: number, seed = 42): Promise<number> {
  const random = new Random(seed);
  const world = buildWorld(random, 1);
  const end = Date.UTC(2026, 10, 1);
  const activity = new BackgroundActivity(world, random, end - 30 * 24 * 3600_000, end);
  return writeCloudTrailFile(path, activity.events(events));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const program = new Command('generate-cloudtrail')
    .argument('<out>', 'output file (.json or .json.gz)')
    .option('--events <n>', 'number of events', '200000')
    .option('--seed <n>', 'random seed', '42')
    .action(async (out: string, flags: { events: string; seed: string }) => {
      const started = Date.now();
      const bytes = await generateCloudTrailFile(out, Number(flags.events), Number(flags.seed));
      process.stderr.write(`wrote ${flags.events} events (${(bytes / 1024 / 1024).toFixed(1)} MB of JSON) to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    });
  await program.parseAsync(process.argv);
}
