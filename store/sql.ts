/**
 * Quoting for the few names and paths that are part of the event store's SQL text. Every value
 * that comes from a log or a request is a bound parameter instead; these quote only what the
 * store itself names (its tables, columns and segment files).
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
