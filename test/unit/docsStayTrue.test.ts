import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodes } from '../../graph/schema/nodes';
import { relationships } from '../../graph/schema/relationships';

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
