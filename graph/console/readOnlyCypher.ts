/**
 * Whether a Cypher query typed into the console may run. The console runs every query in a read
 * transaction, where Neo4j itself refuses to write; this check comes first and also refuses what
 * a read transaction still allows: LOAD CSV (reads the server's files and fetches URLs),
 * procedures (only the schema's read-only ones are allowed), USE (another database, such as
 * `system`), administration commands, and plugin namespaces that call out. It reads the query as
 * Cypher's lexer would, so that words inside strings, comments and `quoted` names never count,
 * and a property, label or map key spelt like a clause (`n.set`, `:Create`, `{merge: 1}`) is not
 * one.
 */

/** Clauses and commands that write or administer: refused wherever they stand. */
const REFUSED_CLAUSES = new Set([
  'CREATE', 'MERGE', 'DELETE', 'DETACH', 'SET', 'REMOVE', 'FOREACH', 'LOAD', 'DROP', 'ALTER', 'RENAME', 'GRANT', 'DENY', 'REVOKE',
  'USE', 'SHOW', 'TERMINATE', 'START', 'STOP', 'ENABLE', 'DEALLOCATE', 'REALLOCATE',
]);

/** The only procedures CALL may name: the schema, read only. */
export const ALLOWED_PROCEDURES = new Set(['db.labels', 'db.relationshipTypes', 'db.propertyKeys', 'db.schema.visualization', 'db.schema.nodeTypeProperties', 'db.schema.relTypeProperties']);

/** Namespaces of plugins and administration: never named, as procedure or function. */
const REFUSED_NAMESPACES = ['dbms', 'apoc', 'gds', 'genai', 'system'];

export const MAX_QUERY_LENGTH = 10_000;

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

interface Token {
  /** `quoted`: a name in backticks, its text unquoted: a name, never a keyword. */
  readonly kind: 'word' | 'quoted' | 'symbol';
  readonly text: string;
}

export function checkReadOnly(query: string): Verdict {
  if (query.length > MAX_QUERY_LENGTH) return refuse(`the query is longer than ${MAX_QUERY_LENGTH.toLocaleString('en-US')} characters`);
  // Neo4j decodes \uXXXX everywhere in the text before it reads a token (an escape can close a
  // string or a comment, or spell a keyword): write the character itself.
  if (/\\u[0-9A-Fa-f]{4}/i.test(query)) return refuse('a \\u escape is not allowed: write the character itself');
  const lexed = tokens(query);
  if (!lexed.ok) return lexed;
  const list = lexed.tokens;
  for (let i = 0; i < list.length; i++) {
    const token = list[i]!;
    if (token.kind === 'symbol') continue;
    const before = list[i - 1];
    const after = list[i + 1];
    // A property (n.set), a label or type (:Create), a parameter ($delete) or a map key ({merge: 1}): a name, not a clause.
    if (before?.kind === 'symbol' && (before.text === '.' || before.text === ':' || before.text === '$')) continue;
    if (after?.kind === 'symbol' && after.text === ':' && isMapKeyPosition(before)) continue;
    const name = dottedName(list, i);
    if (name.includes('.') && REFUSED_NAMESPACES.includes(name.split('.')[0]!.toLowerCase())) return refuse(`${name} is not allowed: the console does not call plugin or administration procedures and functions`);
    if (token.kind === 'quoted') continue;
    const word = token.text.toUpperCase();
    if (REFUSED_CLAUSES.has(word)) return refuse(`${word} is not allowed: the console only reads (${word === 'LOAD' ? 'LOAD CSV reads files and fetches URLs' : 'it writes to or administers the database'})`);
    if (word === 'CALL') {
      const next = list[i + 1];
      // A subquery, CALL { … } or CALL (x) { … }, is part of a read.
      if (next?.kind === 'symbol' && (next.text === '{' || next.text === '(')) continue;
      const procedure = next && next.kind !== 'symbol' ? dottedName(list, i + 1) : '';
      if (!ALLOWED_PROCEDURES.has(procedure)) return refuse(`CALL ${procedure || '…'} is not allowed: the console calls only ${[...ALLOWED_PROCEDURES].join(', ')}`);
    }
  }
  return { ok: true };
}

function refuse(reason: string): Verdict {
  return { ok: false, reason };
}

/** After "{" or ",": a map's key (inside a map literal or a node's properties). */
function isMapKeyPosition(before: Token | undefined): boolean {
  return before?.kind === 'symbol' && (before.text === '{' || before.text === ',');
}

/** The dotted name that starts at word `i` ("db.schema.visualization"), as written. */
function dottedName(list: readonly Token[], i: number): string {
  let name = list[i]!.text;
  while (list[i + 1]?.kind === 'symbol' && list[i + 1]?.text === '.' && list[i + 2] && list[i + 2]!.kind !== 'symbol') {
    name += `.${list[i + 2]!.text}`;
    i += 2;
  }
  return name;
}

/** Words, `quoted names` and symbols, with strings, comments and whitespace left out. */
function tokens(query: string): { ok: true; tokens: Token[] } | { ok: false; reason: string } {
  const out: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
    } else if (c === '/' && query[i + 1] === '/') {
      // A line comment ends at either line break (Cypher's lexer: '//' ~[\r\n]*).
      let end = i + 2;
      while (end < query.length && query[end] !== '\n' && query[end] !== '\r') end += 1;
      i = end;
    } else if (c === '/' && query[i + 1] === '*') {
      const end = query.indexOf('*/', i + 2);
      if (end === -1) return { ok: false, reason: 'a comment (/*) is not closed' };
      i = end + 2;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < query.length && query[j] !== c) j += query[j] === '\\' ? 2 : 1;
      if (j >= query.length) return { ok: false, reason: 'a string is not closed' };
      out.push({ kind: 'symbol', text: 'string' });
      i = j + 1;
    } else if (c === '`') {
      let j = i + 1;
      let name = '';
      for (;;) {
        const end = query.indexOf('`', j);
        if (end === -1) return { ok: false, reason: 'a `quoted name` is not closed' };
        name += query.slice(j, end);
        if (query[end + 1] === '`') {
          name += '`';
          j = end + 2;
          continue;
        }
        i = end + 1;
        break;
      }
      out.push({ kind: 'quoted', text: name });
    } else if (/[A-Za-z_]/.test(c)) {
      // "$" continues a name in Cypher 5 (deprecated, still read): x$ is one name, not x then a parameter.
      let j = i + 1;
      while (j < query.length && /[A-Za-z0-9_$]/.test(query[j]!)) j += 1;
      out.push({ kind: 'word', text: query.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < query.length && /[0-9A-Za-z_.]/.test(query[j]!) && !(query[j] === '.' && query[j + 1] === '.')) j += 1;
      out.push({ kind: 'symbol', text: 'number' });
      i = j;
    } else if (/[!-~]/.test(c)) {
      out.push({ kind: 'symbol', text: c });
      i += 1;
    } else {
      // Outside strings, comments and `quoted names` only printable ASCII is read: Cypher takes
      // characters JavaScript does not as spaces (U+001C-U+001F) and the reverse (U+FEFF), and
      // letters past ASCII in names; a name that needs them can be `quoted`.
      return { ok: false, reason: `the character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} is not allowed outside strings and \`quoted names\`` };
    }
  }
  return { ok: true, tokens: out };
}
