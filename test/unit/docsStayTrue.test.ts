import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodes } from '../../graph/schema/nodes';
import { relationships } from '../../graph/schema/relationships';
import { DEMO_DEFAULTS, DEMO_END } from '../../demo/prepare';
import { stageScenario } from '../../demo/scenario';
import { tables } from '../../store/tables';

const ROOT = join(import.meta.dirname, '..', '..');

describe('docs/graph-model.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'graph-model.md'), 'utf8');
  it('documents every node label and relationship type the schema declares', () => {
    for (const name of [...Object.keys(nodes), ...Object.keys(relationships)]) expect(doc).toContain(`\`${name}\``);
  });
  it('lists the key of every label', () => {
    for (const [label, decl] of Object.entries(nodes)) expect(doc).toMatch(new RegExp(`\\| \`${label}\` \\| \`${decl.key}\``));
  });
});

describe('the README demo walkthrough', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  it('names the ids the demo scenario really has (seed 42)', () => {
    const cast = stageScenario(DEMO_DEFAULTS.seed, DEMO_END).incident.cast;
    for (const id of [cast.findingIds.exfiltration, cast.findingIds.c2, cast.victim.accessKeyId, cast.chainedSession, cast.instance.instanceId, cast.bucket]) {
      expect(readme).toContain(id);
    }
    expect(readme).toContain(encodeURIComponent(cast.victim.arn));
  });
});

describe('docs/event-store.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'event-store.md'), 'utf8');
  it('lists every column of every table the store declares, with its type', () => {
    for (const [table, decl] of Object.entries(tables)) {
      expect(doc).toContain(`### \`${table}\``);
      for (const [column, c] of Object.entries(decl.columns)) expect(doc).toContain(`| \`${column}\` | ${c.type} |`);
    }
  });
});
