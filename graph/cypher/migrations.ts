import { createHash } from 'node:crypto';
import { groups, nodes, textSearchable, type NodeLabel } from '../schema/nodes';
import { escapeName as n } from './escape';

/**
 * Version 3: raw events live in the event store (store/), not in the graph: no Event nodes, no
 * TOUCHED edges, one FLOW edge per pair of addresses. A graph of an earlier version is rebuilt,
 * not migrated (graph/migrate.ts says how).
 *
 * Bump when a change to the declarations needs existing databases to be migrated by more than
 * the idempotent statements below (which any version can re-run safely).
 */
export const SCHEMA_VERSION = 3;

/**
 * The constraint and index statements for the declared schema. Every statement is
 * `IF NOT EXISTS`, so running them on every ingest and serve start is safe and cheap.
 * Community Edition has uniqueness constraints only (no node or relationship keys), which is all MERGE needs
 * to seek instead of scanning a label.
 */
export function schemaStatements(): string[] {
  const statements: string[] = [];
  for (const [label, decl] of Object.entries(nodes) as [NodeLabel, (typeof nodes)[NodeLabel]][]) {
    statements.push(
      `CREATE CONSTRAINT ${n(`${label}_${decl.key}_unique`)} IF NOT EXISTS ` +
        `FOR (x:${n(label)}) REQUIRE x.${n(decl.key)} IS UNIQUE`,
    );
    const indexes: readonly (readonly string[])[] = 'indexes' in decl ? decl.indexes : [];
    for (const props of indexes) {
      statements.push(
        `CREATE INDEX ${n(`${label}_${props.join('_')}`)} IF NOT EXISTS ` +
          `FOR (x:${n(label)}) ON (${props.map((p) => `x.${n(p)}`).join(', ')})`,
      );
    }
  }
  for (const [label, properties] of Object.entries(textSearchable)) {
    for (const property of properties) {
      statements.push(`CREATE TEXT INDEX ${n(`${label}_${property}_text`)} IF NOT EXISTS FOR (x:${n(label)}) ON (x.${n(property)})`);
    }
  }
  for (const [group, decl] of Object.entries(groups)) {
    // A range index, not a constraint: the member labels' own constraints guarantee uniqueness.
    statements.push(
      `CREATE INDEX ${n(`${group}_${decl.key}`)} IF NOT EXISTS FOR (x:${n(group)}) ON (x.${n(decl.key)})`,
    );
  }
  return statements;
}

/** A digest of the statements, so /api/health can tell which schema a database carries. */
export function schemaDigest(): string {
  return createHash('sha256').update(schemaStatements().join('\n')).digest('hex').slice(0, 12);
}
