import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groups, nodes } from '../../graph/schema/nodes';
import { relationships } from '../../graph/schema/relationships';

const ROOT = join(import.meta.dirname, '..', '..');
const CHECKED = ['cli', 'db', 'demo', 'ingest', 'server', 'web'];
const NAMES = [...Object.keys(nodes), ...Object.keys(groups), ...Object.keys(relationships)];

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'target') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('the graph vocabulary', () => {
  it('is spelled only in graph/: everything else imports Label, Group and Rel', () => {
    const offences: string[] = [];
    // These hold AWS's own words, some of which are also labels: CloudTrail's identity types
    // ("FederatedUser") and GuardDuty's resource types ("AccessKey", "S3Bucket") in the
    // findings the demo writes.
    const awsWords = ['identityTypes.ts', join('guardduty', 'resourceTypes.ts'), join('demo', 'guardduty', 'findings.ts')];
    const files = CHECKED.flatMap((dir) => sourceFiles(join(ROOT, dir))).filter((f) => !awsWords.some((w) => f.endsWith(w)));
    for (const file of files) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '') // comments may name labels in prose
        .replace(/\/\/.*$/gm, '');
      for (const name of NAMES) {
        const literal = new RegExp(`['"\`]${name}['"\`]|\\(\\w*:${name}\\b|-\\[\\w*:${name}\\b`);
        if (literal.test(code)) offences.push(`${relative(ROOT, file)}: ${name}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
