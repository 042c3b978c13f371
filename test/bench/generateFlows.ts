import { Command } from 'commander';
import { writeStreamed } from '../../demo/writeFile';
import { Random } from '../../demo/random';
import { buildHosts, DEFAULT_HEADER, defaultFormatLine, everydayFlows } from '../../demo/vpcflow/traffic';

/** Writes N realistic flow-log lines (default format, with its header) into one .log.gz. */
export async function generateFlowFile(path: string, lines: number, seed = 42): Promise<number> {
  const random = new Random(seed);
  const hosts = buildHosts(random, '111122223333', 60);
  const end = Date.UTC(2026, 10, 1);
  function* text() {
    yield `${DEFAULT_HEADER}\n`;
    let buffer = '';
    let n = 0;
    for (const line of everydayFlows(random, hosts, end - 24 * 3600_000, end, lines)) {
      buffer += `${defaultFormatLine(line)}\n`;
      if (++n % 1000 === 0) {
        yield buffer;
        buffer = '';
      }
    }
    yield buffer;
  }
  return writeStreamed(path, text(), { gzip: path.endsWith('.gz') });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await new Command('generate-flows')
    .argument('<out>', 'output file (.log or .log.gz)')
    .option('--lines <n>', 'number of flow records', '5000000')
    .option('--seed <n>', 'random seed', '42')
    .action(async (out: string, flags: { lines: string; seed: string }) => {
      const started = Date.now();
      const bytes = await generateFlowFile(out, Number(flags.lines), Number(flags.seed));
      process.stderr.write(`wrote ${flags.lines} lines (${(bytes / 1024 / 1024).toFixed(1)} MB of text) to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    })
    .parseAsync(process.argv);
}
