/**
 * Escapes a name (label, relationship type, property) for Cypher. Names only ever come from
 * the schema declarations, never from input, but they still go through here so that a
 * declaration can never change the shape of a query. Values are always $parameters.
 */
export function escapeName(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  return '`' + name.replaceAll('`', '``') + '`';
}
