import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import neo4j from 'neo4j-driver';
import { resolveNeo4jJars } from '../../db/mavenJars';
import { BackgroundActivity } from '../../demo/cloudtrail/background';
import { buildWorld } from '../../demo/cloudtrail/world';
import { Random } from '../../demo/random';
import { buildHosts, defaultFormatLine, everydayFlows } from '../../demo/vpcflow/traffic';
import { createRecordsQuery, edgeQuery, observedEdgeTuples } from '../../graph/cypher/writeQueries';
import { schemaStatements } from '../../graph/cypher/migrations';
import { nodes } from '../../graph/schema/nodes';
import { Label, Rel } from '../../graph/vocabulary';
import { planWrites } from '../../graph/writePlan';
import { normalizeCloudTrailEvent } from '../../ingest/cloudtrail/normalize';
import { FlowAggregator } from '../../ingest/vpcflow/aggregate';
import { DEFAULT_FORMAT } from '../../ingest/vpcflow/fields';
import { FlowLineParser, newFlowScratch } from '../../ingest/vpcflow/parseLine';

/**
 * The floor under ingest: what this machine's Neo4j needs to store an Event node and a FLOW
 * edge, measured in-process with nothing else running (StorageFloor.java), through the ingest's
 * own Cypher and through the Core API. The end-to-end benchmarks cannot go faster than this.
 *
 *   node bin/run-ts.js test/bench/storageFloor.ts [--events 100000] [--lines 1000000]
 */
const HERE = dirname(fileURLToPath(import.meta.url));

interface Check {
  trial: string;
  check: string;
}

interface Phase {
  trial: string;
  phase: string;
  rows: number;
  seconds: number;
  microsPerRow: number;
  rowsPerSecond: number;
}

await new Command('storage-floor')
  .option('--events <n>', 'Event nodes to write (the first fifth warms the JIT)', '100000')
  .option('--lines <n>', 'flow-log lines whose FLOW aggregates are written', '1000000')
  .option('--trials <names>', 'comma-separated: events-cypher, events-core, events-core-2, flows-cypher, flows-core', 'events-cypher,events-core,events-core-2,flows-cypher,flows-core')
  .option('--keep-inputs', 'keep the generated rows (their directory is printed) for other experiments')
  .action(async (flags: { events: string; lines: string; trials: string; keepInputs?: boolean }) => {
    const inputs = mkdtempSync(join(tmpdir(), 'trailhound-floor-inputs-'));
    if (flags.keepInputs) process.stderr.write(`inputs kept in ${inputs}\n`);
    try {
      writeFileSync(join(inputs, 'schema.cypher'), schemaStatements().join(';\n'));
      writeFileSync(join(inputs, 'events.cypher'), createRecordsQuery(Label.Event));
      writeFileSync(join(inputs, 'flows.cypher'), edgeQuery(Rel.FLOW, Label.IpAddress, Label.IpAddress));
      const eventCount = await writeEvents(join(inputs, 'events.jsonl'), Number(flags.events));
      const flowCount = await writeFlows(join(inputs, 'flows.jsonl'), Number(flags.lines));
      process.stderr.write(`inputs: ${eventCount.toLocaleString('en-US')} Event nodes, ${flowCount.toLocaleString('en-US')} FLOW edges from ${Number(flags.lines).toLocaleString('en-US')} lines\n`);

      const classes = join(inputs, 'classes');
      const classpath = await resolveNeo4jJars((message) => process.stderr.write(`${message}\n`));
      run('javac', ['-d', classes, '-cp', classpath, join(HERE, 'storageFloor', 'StorageFloor.java')]);
      const results: Phase[] = [];
      const checks: Check[] = [];
      for (const trial of flags.trials.split(',').filter(Boolean)) {
        process.stderr.write(`${trial}...\n`);
        const out = run('java', ['-Xms3g', '-Xmx3g', '-XX:+UseG1GC', '-cp', `${classes}:${classpath}`, 'StorageFloor', trial, inputs]);
        for (const line of out.split('\n')) {
          if (!line.startsWith('{')) continue;
          const parsed = JSON.parse(line) as Phase | Check;
          if ('check' in parsed) checks.push(parsed);
          else results.push(parsed);
        }
      }
      process.stdout.write('| trial | what | rows | µs a row | rows/s |\n| --- | --- | --- | --- | --- |\n');
      for (const r of results) {
        process.stdout.write(`| ${r.trial} | ${r.phase} | ${r.rows.toLocaleString('en-US')} | ${r.microsPerRow} | ${r.rowsPerSecond.toLocaleString('en-US')} |\n`);
      }
      for (const c of checks) process.stdout.write(`\n${c.trial} wrote: ${c.check}`);
      process.stdout.write('\n');
      if (new Set(checks.map((c) => c.check)).size > 1) throw new Error('the Cypher and Core API trials built different FLOW edges');
    } finally {
      if (!flags.keepInputs) rmSync(inputs, { recursive: true, force: true });
    }
  })
  .parseAsync(process.argv);

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}

/** Event nodes exactly as the writer creates them (CloudTrail from the benchmark's generator). */
async function writeEvents(path: string, count: number): Promise<number> {
  const random = new Random(1);
  const world = buildWorld(random);
  const end = Date.UTC(2026, 10, 1);
  const out = createWriteStream(path);
  let written = 0;
  for (const event of new BackgroundActivity(world, random, end - 86_400_000, end).events(count)) {
    const result = normalizeCloudTrailEvent(event);
    if (!result.ok || !result.facts.record) continue;
    const { props, key } = result.facts.record;
    if (!out.write(`${JSON.stringify({ ...props, [nodes.Event.key]: key })}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
    written += 1;
  }
  await new Promise<void>((r) => out.end(() => r()));
  return written;
}

/** FLOW rows exactly as the writer sends them, from generated lines through the real parser. */
async function writeFlows(path: string, lines: number): Promise<number> {
  const random = new Random(42);
  const end = Date.UTC(2026, 10, 1);
  const parser = new FlowLineParser(DEFAULT_FORMAT);
  const scratch = newFlowScratch();
  const aggregator = new FlowAggregator();
  for (const line of everydayFlows(random, buildHosts(random, '111122223333', 60), end - 86_400_000, end, lines)) {
    if (parser.parseInto(defaultFormatLine(line), scratch) === 'flow') aggregator.add(scratch);
  }
  const facts = aggregator.drain({ partHash: 'floor', location: 'generated', records: lines, ingestedAt: end });
  const flows = planWrites([facts]).observedEdges.filter((group) => group.type === Rel.FLOW).flatMap((group) => group.rows);
  const tuple = observedEdgeTuples(Rel.FLOW);
  const out = createWriteStream(path);
  // Key columns are Neo4j integers for the driver; as JSON they are plain numbers.
  const plain = (_: string, value: unknown) => (neo4j.isInt(value) ? value.toNumber() : value);
  for (const row of flows) {
    if (!out.write(`${JSON.stringify(tuple(row), plain)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return flows.length;
}
