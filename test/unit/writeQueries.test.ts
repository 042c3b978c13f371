import { describe, expect, it } from 'vitest';
import { schemaStatements } from '../../graph/cypher/migrations';
import { allWriteQueries, edgeQuery, mergeEntitiesQuery, mergeObservedEdgesQuery } from '../../graph/cypher/writeQueries';
import { nodes } from '../../graph/schema/nodes';
import { relationships } from '../../graph/schema/relationships';
import { Rel } from '../../graph/vocabulary';

describe('queries generated from the schema declarations', () => {
  it('match the reviewed snapshot (a change to the schema shows up here as a diff of Cypher)', async () => {
    const text = Object.entries(allWriteQueries())
      .map(([name, query]) => `// ${name}\n${query}\n`)
      .join('\n');
    await expect(text).toMatchFileSnapshot('__snapshots__/writeQueries.cypher');
    await expect(schemaStatements().join(';\n') + ';\n').toMatchFileSnapshot('__snapshots__/schema.cypher');
  });

  it('take every value from $rows, never from text spliced into the query', () => {
    for (const query of Object.values(allWriteQueries())) {
      expect(query).toMatch(/^UNWIND \$(rows|keys) AS (row|key|k)\n/);
      expect(query).not.toMatch(/'[^']*'/); // no string literals at all
    }
  });

  it('give every node label a uniqueness constraint on its key, created only if missing', () => {
    const statements = schemaStatements();
    for (const [label, decl] of Object.entries(nodes)) {
      expect(statements).toContain(`CREATE CONSTRAINT ${label}_${decl.key}_unique IF NOT EXISTS FOR (x:${label}) REQUIRE x.${decl.key} IS UNIQUE`);
    }
    for (const statement of statements) expect(statement).toContain('IF NOT EXISTS');
  });

  it('merge principals with the Principal group label, and match them through it', () => {
    expect(mergeEntitiesQuery('IamUser')).toContain('x:Principal');
    expect(mergeEntitiesQuery('IpAddress')).not.toContain('Principal');
    expect(mergeObservedEdgesQuery('ACCESSED', 'Principal', 'S3Bucket')).toContain('MATCH (a:Principal {principalKey: row[0]})');
  });

  it('find edge endpoints by the element id a node merge returned, the rest of the edge query unchanged', () => {
    const byKey = mergeObservedEdgesQuery('ACCESSED', 'Principal', 'S3Bucket');
    const byId = mergeObservedEdgesQuery('ACCESSED', 'Principal', 'S3Bucket', 'id');
    expect(byId).toContain('MATCH (a) WHERE elementId(a) = row[0]\nMATCH (b) WHERE elementId(b) = row[1]');
    expect(byId).not.toContain('principalKey');
    const tail = (query: string) => query.slice(query.indexOf('MERGE'));
    expect(tail(byId)).toBe(tail(byKey));
    expect(edgeQuery('IN_ACCOUNT', 'S3Bucket', 'Account', 'id')).toContain('MATCH (b) WHERE elementId(b) = row[1]\nMERGE (a)-[:IN_ACCOUNT]->(b)');
    expect(mergeEntitiesQuery('IpAddress', true)).toMatch(/\nRETURN row\[0\] AS key, elementId\(x\) AS id$/);
    expect(mergeEntitiesQuery('IpAddress')).not.toContain('RETURN');
    // Every query the id path can send still takes every value from $rows.
    for (const query of [byId, edgeQuery('IN_ACCOUNT', 'S3Bucket', 'Account', 'id'), mergeEntitiesQuery('IamUser', true)]) {
      expect(query).toMatch(/^UNWIND \$rows AS row\n/);
      expect(query).not.toMatch(/'[^']*'/);
    }
  });

  it('keep list properties as capped set unions', () => {
    expect(mergeObservedEdgesQuery('ACCESSED', 'Principal', 'S3Bucket')).toContain(
      'r.apis = (coalesce(r.apis, []) + [v IN coalesce(row[5], []) WHERE NOT v IN coalesce(r.apis, [])])[..50]',
    );
  });

  it('refuse to build a query the declarations do not allow', () => {
    expect(() => mergeObservedEdgesQuery('IN_ACCOUNT', 'S3Bucket', 'Account')).toThrow(/not an observed relationship/);
    expect(() => mergeEntitiesQuery('Finding')).toThrow(/not an entity label/);
    expect(Object.keys(relationships)).toContain('ASSUMED');
  });

  it('keep one FLOW edge per pair of addresses: no key beyond its endpoints, the ports seen as a capped list', () => {
    const flow = mergeObservedEdgesQuery(Rel.FLOW, 'IpAddress', 'IpAddress');
    expect(flow).toContain('MERGE (a)-[r:FLOW]->(b)');
    expect(flow).toMatch(/r\.ports = .*\[\.\.50\]/);
    expect(flow).toContain('r.bytes = coalesce(r.bytes, 0) + toInteger(');
  });
});
