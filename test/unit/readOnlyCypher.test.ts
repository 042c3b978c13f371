import { describe, expect, it } from 'vitest';
import { checkReadOnly, MAX_QUERY_LENGTH } from '../../graph/console/readOnlyCypher';

/**
 * The console's first wall, read as an attacker would try it: every refusal here must hold
 * however the query is spelt, and nothing a reader writes may be refused for a word that only
 * looks like a clause. (The second wall, the read transaction, is tested against Neo4j in
 * test/integration/cypherConsole.test.ts.)
 */
describe('the console refuses', () => {
  it.each([
    ['a clause in any letter case', 'match (n) detach delete n'],
    ['a clause after a line comment', 'MATCH (n) RETURN n //\nCREATE (m)'],
    ['a clause after a block comment', 'MATCH (n) /* x */ SET n.a = 1'],
    ['LOAD CSV with a comment between', "load/**/csv FROM 'file:///etc/passwd' AS l RETURN l"],
    ['LOAD CSV across a tab', "LOAD\tCSV WITH HEADERS FROM 'http://127.0.0.1:1/' AS l RETURN l"],
    ['a second statement', 'MATCH (n) RETURN n; CREATE (m)'],
    ['a write in a subquery', 'MATCH (n) CALL (n) { SET n.x = 1 } RETURN n'],
    ['FOREACH', 'MATCH p = (n)-->() FOREACH (x IN nodes(p) | REMOVE x.a)'],
    ['a procedure with spaces around its dots', 'CALL dbms . listConfig ( )'],
    ['a procedure after an allowed one', 'CALL db.labels() YIELD label CALL db.createLabel(label) RETURN 1'],
    ['an APOC function', "RETURN apoc.text.join(['a'], '')"],
    ['an APOC function, its namespace quoted', "RETURN `apoc`.text.join(['a'], '')"],
    ['a GenAI call', "RETURN genai.vector.encode('x', 'OpenAI', {})"],
    ['another database', 'USE system MATCH (n) RETURN n'],
    ['an administration command', 'SHOW USERS'],
    ['a database being stopped', 'STOP DATABASE neo4j'],
    ['an index dropped', 'DROP INDEX x'],
    // Found in review: Neo4j decodes \u escapes before it reads a token.
    ['an escape that ends a line comment', "// \\u000aLOAD CSV FROM 'file:///etc/passwd' AS l RETURN l"],
    ['an escape that spells a keyword', "\\u004cOAD CSV FROM 'file:///etc/passwd' AS l RETURN l"],
    ['an escape that closes a string', "WITH 'x\\u0027 AS a LOAD CSV FROM \\u0027file:///etc/passwd\\u0027 AS l RETURN l //'"],
    ['an escape that spells a dot', 'RETURN apoc\\u002eversion()'],
    ['an escape that closes a block comment', '/* \\u002a/ CALL dbms.listConfig() YIELD name RETURN name /* */'],
    ['a line comment ended by a carriage return', "// x\rLOAD CSV FROM 'file:///etc/passwd' AS l RETURN l"],
    ['a namespace split by a space only Cypher reads as one', 'RETURN apoc\u001c.version() AS v'],
    ['a byte-order mark, part of a name to Cypher', 'RETURN \ufeffapoc.version()'],
    ['a name ending in $ before a clause', "WITH 1 AS x$ LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l"],
    ['a name ending in $ before a procedure', 'WITH 1 AS x$ CALL db.ping() YIELD success RETURN success'],
  ])('%s', (_what, query) => {
    const verdict = checkReadOnly(query);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.reason).toMatch(/not allowed|is not closed/);
  });

  it('a query it cannot read to the end, and one too long to read', () => {
    expect(checkReadOnly('MATCH (n) RETURN n /* CREATE')).toEqual({ ok: false, reason: 'a comment (/*) is not closed' });
    expect(checkReadOnly("RETURN 'CREATE")).toEqual({ ok: false, reason: 'a string is not closed' });
    expect(checkReadOnly('RETURN `x')).toEqual({ ok: false, reason: 'a `quoted name` is not closed' });
    expect(checkReadOnly(`RETURN ${'1+'.repeat(MAX_QUERY_LENGTH)}1`).ok).toBe(false);
  });
});

describe('the console reads', () => {
  it.each([
    ['a clause word inside a string with an escaped quote', 'RETURN "a\\" CREATE (n)" AS s'],
    ['a clause word inside single quotes', "MATCH (n) WHERE n.x = 'DELETE me; LOAD CSV' RETURN n"],
    ['properties named like clauses', 'MATCH (n) RETURN n.set, n.delete, n.create, n.load'],
    ['labels and types named like clauses', 'MATCH (n:Create)-[:MERGE]->(m:`Delete`) RETURN n'],
    ['map keys named like clauses', 'RETURN {create: 1, merge: 2, `set`: 3} AS m'],
    ['a parameter named like a clause', 'MATCH (n) WHERE n.x = $delete RETURN n'],
    ['a quoted name that is a clause', 'MATCH (`CREATE`) RETURN `CREATE`'],
    ['a property named like a namespace', 'MATCH (n) RETURN n.apoc, n.dbms.x'],
    ['the schema procedures', 'CALL db.labels() YIELD label RETURN label UNION CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS label'],
    ['a read subquery', 'MATCH (n) CALL (n) { MATCH (n)-->(m) RETURN count(m) AS c } RETURN n, c'],
    ['an old-style read subquery', 'MATCH (n) CALL { WITH n MATCH (n)-->(m) RETURN count(m) AS c } RETURN c'],
    ['ranges, floats and exponents', 'UNWIND range(1, 10) AS i RETURN i * 1.5e3, [1..3]'],
    ['EXPLAIN and PROFILE', 'PROFILE MATCH (n) RETURN count(n)'],
    ['any character inside a string or a quoted name', "MATCH (n:`Ünïcode\u00a0label`) WHERE n.x = 'naïve — \u2028 ok' RETURN n"],
    ['CRLF line breaks and a comment before one', 'MATCH (n)\r\n// note\r\nRETURN n'],
  ])('%s', (_what, query) => {
    expect(checkReadOnly(query)).toEqual({ ok: true });
  });
});
