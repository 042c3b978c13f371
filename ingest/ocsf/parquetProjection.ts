import { quoteIdentifier, quoteLiteral } from '../../store/sql';
import { CLOUDTRAIL_CLASS_UIDS } from './classes';
import { CLOUDTRAIL_PATHS } from './toCloudTrail';

/**
 * The SQL that reads Security Lake's Parquet for conversion. A CloudTrail-class row is handed
 * over as the few dozen fields that rebuilding its CloudTrail event reads (toCloudTrail.ts), not
 * as the whole OCSF record, and its request and response data, when DuckDB finds them to be JSON
 * objects, as their text, apart: the conversion embeds that text in the event without parsing
 * it (the bulk of every record, and most of the cost of converting it). Every other row (flows,
 * findings, other classes) is the whole record as JSON, as before.
 *
 * The projection is built from the file's own schema, so that what is absent from the file is
 * absent from the projection (not null: the conversion tells the two apart, as it does in the
 * whole record), and a struct that is null stays null. Only names from CLOUDTRAIL_PATHS are ever
 * part of the SQL text, quoted; names in the file are compared with them, never copied.
 */

/** A column's or field's type as @duckdb/node-api describes it (columnNamesAndTypesJson). */
export interface ParquetType {
  readonly typeId: number;
  readonly entryNames?: readonly string[];
  readonly entryTypes?: readonly ParquetType[];
  readonly valueType?: ParquetType;
}

export interface ParquetSchema {
  readonly columnNames: readonly string[];
  readonly columnTypes: readonly ParquetType[];
}

/** DuckDB's type ids (duckdb.h: DUCKDB_TYPE_*). */
const VARCHAR = 17;
const LIST = 24;
const STRUCT = 25;

/** What each row of the query holds: `record` always; `request` and `response` only for a CloudTrail row whose data is a JSON object. */
export interface OcsfRowText {
  readonly record: string;
  readonly request: string | null;
  readonly response: string | null;
}

type PathTree = { [name: string]: PathTree | true };

/** The rows' query: record (JSON text), request and response (JSON object text or null). */
export function ocsfRowsQuery(path: string, schema: ParquetSchema): string {
  const from = `FROM read_parquet(${quoteLiteral(path)}) r`;
  const whole = `to_json(r)::VARCHAR`;
  const columns = new Map(schema.columnNames.map((name, i) => [name, schema.columnTypes[i]!]));
  const classType = columns.get('class_uid');
  if (!classType || !columns.has('api')) return `SELECT ${whole} AS record, NULL::VARCHAR AS request, NULL::VARCHAR AS response ${from}`;

  const isCloudTrail = `TRY_CAST(r.${quoteIdentifier('class_uid')} AS BIGINT) IN (${CLOUDTRAIL_CLASS_UIDS.join(', ')})`;
  const request = jsonObjectText(dataField(columns, 'request'));
  const response = jsonObjectText(dataField(columns, 'response'));
  const apart = { request: request !== null, response: response !== null };
  const fields = projection(columns, pathTree(CLOUDTRAIL_PATHS), apart);
  return (
    `SELECT CASE WHEN ${isCloudTrail} THEN to_json(${fields}) ELSE to_json(r) END::VARCHAR AS record, ` +
    `${request ? `CASE WHEN ${isCloudTrail} THEN ${request} END` : 'NULL::VARCHAR'} AS request, ` +
    `${response ? `CASE WHEN ${isCloudTrail} THEN ${response} END` : 'NULL::VARCHAR'} AS response ${from}`
  );
}

/** The SQL of api.request.data or api.response.data when the file keeps it as text (Security Lake's json_t), else null. */
function dataField(columns: Map<string, ParquetType>, part: 'request' | 'response'): string | null {
  const api = columns.get('api');
  const holder = api && field(api, part);
  const data = holder && field(holder, 'data');
  return data?.typeId === VARCHAR ? `${access(access('r.' + quoteIdentifier('api'), part), 'data')}` : null;
}

/**
 * The text when DuckDB reads it as one JSON object, else null (then the record keeps it, and the
 * conversion treats it as it always has). DuckDB's reader takes a little more than JSON.parse
 * does (NaN, trailing commas): convertOcsfRow looks for that before it trusts the text.
 */
function jsonObjectText(sql: string | null): string | null {
  if (sql === null) return null;
  return `CASE WHEN json_valid(${sql}) THEN (CASE WHEN json_type(${sql}) = 'OBJECT' THEN ${sql} END) END`;
}

function projection(columns: Map<string, ParquetType>, tree: PathTree, apart: { request: boolean; response: boolean }): string {
  const entries: string[] = [];
  for (const [name, sub] of Object.entries(tree)) {
    const type = columns.get(name);
    if (!type) continue;
    const sql = `r.${quoteIdentifier(name)}`;
    const narrowed = name === 'api' ? apiValue(sql, type, sub, apart) : value(sql, type, sub, 0);
    if (narrowed) entries.push(`${quoteLiteral(name)}: ${narrowed}`);
  }
  return `{${entries.join(', ')}}`;
}

/**
 * `api`, whose request or response data, when handed over apart, stays in the record only when
 * it is not an object (null otherwise: the conversion puts the text back in its place).
 */
function apiValue(sql: string, type: ParquetType, tree: PathTree | true, apart: { request: boolean; response: boolean }): string | null {
  if (tree === true || type.typeId !== STRUCT) return sql;
  const entries: string[] = [];
  for (const [name, sub] of Object.entries(tree)) {
    const child = field(type, name);
    if (!child) continue;
    const childSql = access(sql, name);
    if ((name === 'request' || name === 'response') && apart[name] && child.typeId === STRUCT && sub !== true) {
      const inner: string[] = [];
      for (const [leaf, leafTree] of Object.entries(sub)) {
        const leafType = field(child, leaf);
        if (!leafType) continue;
        const leafSql = access(childSql, leaf);
        const narrowed = leaf === 'data' ? `CASE WHEN ${jsonObjectText(leafSql)} IS NULL THEN ${leafSql} END` : value(leafSql, leafType, leafTree, 2);
        if (narrowed) inner.push(`${quoteLiteral(leaf)}: ${narrowed}`);
      }
      // data is always there: request or response itself is never left out.
      entries.push(`${quoteLiteral(name)}: CASE WHEN ${childSql} IS NULL THEN NULL ELSE {${inner.join(', ')}} END`);
    } else {
      const narrowed = value(childSql, child, sub, 1);
      if (narrowed) entries.push(`${quoteLiteral(name)}: ${narrowed}`);
    }
  }
  return entries.length === 0 ? null : `CASE WHEN ${sql} IS NULL THEN NULL ELSE {${entries.join(', ')}} END`;
}

/** A value narrowed to the paths under it: structs to the fields named, lists element by element, anything else whole. */
function value(sql: string, type: ParquetType, tree: PathTree | true, depth: number): string | null {
  if (tree === true) return sql;
  if (type.typeId === LIST && type.valueType && tree['[]'] !== undefined) {
    const item = `x${depth}`;
    const narrowed = value(item, type.valueType, tree['[]'], depth + 1);
    return narrowed && `CASE WHEN ${sql} IS NULL THEN NULL ELSE list_transform(${sql}, lambda ${item}: ${narrowed}) END`;
  }
  if (type.typeId !== STRUCT) return sql;
  const entries: string[] = [];
  for (const [name, sub] of Object.entries(tree)) {
    const child = field(type, name);
    const narrowed = child && value(access(sql, name), child, sub, depth + 1);
    if (narrowed) entries.push(`${quoteLiteral(name)}: ${narrowed}`);
  }
  // None of the fields read is in the file: left out, as reading any of them finds nothing.
  if (entries.length === 0) return null;
  return `CASE WHEN ${sql} IS NULL THEN NULL ELSE {${entries.join(', ')}} END`;
}

/** A struct's field by its exact name (DuckDB's own lookup ignores case; the conversion does not). */
function field(type: ParquetType, name: string): ParquetType | undefined {
  if (type.typeId !== STRUCT || !type.entryNames || !type.entryTypes) return undefined;
  const i = type.entryNames.indexOf(name);
  return i >= 0 ? type.entryTypes[i] : undefined;
}

function access(sql: string, name: string): string {
  return `struct_extract(${sql}, ${quoteLiteral(name)})`;
}

/** "actor.user.uid", "resources[].uid" → a tree of names ("[]" for a list's elements). */
export function pathTree(paths: readonly string[]): PathTree {
  const root: PathTree = {};
  for (const path of paths) {
    const parts = path.replaceAll('[]', '.[]').split('.');
    let node = root;
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1) {
        node[part] = true;
        break;
      }
      const next = node[part];
      // A path read whole already holds every path under it.
      if (next === true) break;
      node = node[part] = next ?? {};
    }
  }
  return root;
}
