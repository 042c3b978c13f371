import type { NextFunction, Request, Response } from 'express';
import { isTrailhoundError } from '../graph/errors';

/**
 * One error envelope for every failure: { error: { code, message, hint?, requestId } }. Known
 * errors map to their HTTP status; anything else is a 500 whose details stay in the server log.
 */
const STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  BAD_ENTITY: 400,
  BAD_CURSOR: 400,
  NO_TIMELINE: 400,
  QUERY_REFUSED: 400,
  BAD_QUERY: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  WRONG_HOST: 421,
  NOT_FOUND: 404,
  // The request's own resource exists; what its body names does not (a pin of an unknown entity).
  UNKNOWN_REFERENCE: 422,
  CONFLICT: 409,
  CASE_FULL: 409,
  URI_TOO_LONG: 414,
  NEO4J_UNREACHABLE: 503,
  NEO4J_LOST: 503,
  NEO4J_AUTH: 503,
  QUERY_TIMEOUT: 504,
};

export function sendError(res: Response, status: number, code: string, message: string, hint?: string): void {
  if (res.headersSent) {
    // A streamed file (an export) failed part-way: ending it normally would hand the client a
    // well-formed file that silently lacks its end. Cut the connection so the download fails.
    process.stderr.write(`[${String(res.locals.requestId)}] response failed after it started: ${code} ${message}\n`);
    res.destroy();
    return;
  }
  res.status(status).json({ error: { code, message, ...(hint ? { hint } : {}), requestId: String(res.locals.requestId ?? '') } });
}

export function errorMiddleware(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (isTrailhoundError(error)) {
    sendError(res, STATUS[error.code] ?? 500, error.code, error.message, error.hint);
    return;
  }
  const code = (error as { code?: string } | null)?.code ?? '';
  if (code === 'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration' || code.includes('TransactionTimedOut')) {
    sendError(res, 504, 'QUERY_TIMEOUT', 'The query took too long and was stopped.', 'Narrow the time scope or lower the limit.');
    return;
  }
  if (code === 'ServiceUnavailable' || code === 'SessionExpired') {
    sendError(res, 503, 'NEO4J_UNREACHABLE', 'The graph database is not reachable.', 'Check that Neo4j is running (npx trailhound db status).');
    return;
  }
  if (error instanceof URIError) {
    // Express could not decode a path parameter ("%E0%A4%A"): the request's fault, not ours.
    sendError(res, 400, 'BAD_REQUEST', 'The URL holds a malformed percent-encoding.', 'Encode keys with encodeURIComponent.');
    return;
  }
  if ((error as { type?: string }).type === 'entity.parse.failed') {
    sendError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON.', 'Send one JSON object.');
    return;
  }
  if ((error as { type?: string }).type === 'charset.unsupported' || (error as { type?: string }).type === 'encoding.unsupported') {
    sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body is in an encoding or character set the server does not read.', 'Send UTF-8 JSON, not compressed.');
    return;
  }
  if ((error as { type?: string }).type === 'entity.too.large') {
    sendError(res, 413, 'TOO_LARGE', 'The request body is too large.');
    return;
  }
  process.stderr.write(`[${String(res.locals.requestId)}] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  sendError(res, 500, 'INTERNAL', 'Something went wrong on the server.', `Quote request id ${String(res.locals.requestId)} when reporting it.`);
}
