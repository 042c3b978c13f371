import { randomUUID, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { TrailhoundError } from '../graph/errors';
import { sendError } from './httpErrors';

/** Every response: an id to quote, and headers that keep a browser from misusing the API or UI. */
export function requestBasics(req: Request, res: Response, next: NextFunction): void {
  const id = randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  );
  if (isApiPath(req.path)) res.setHeader('Cache-Control', 'no-store');
  if (req.originalUrl.length > 8192) {
    sendError(res, 414, 'URI_TOO_LONG', 'The request URL is longer than 8 KB.');
    return;
  }
  next();
}

/**
 * Whether a request is for the API, in any letter case: the app routes case-sensitively, but a
 * check that missed "/API/..." would let a request past the token if routing ever matched it.
 */
export function isApiPath(path: string): boolean {
  const head = path.slice(0, 5).toLowerCase();
  return head === '/api/' || head === '/api';
}

/**
 * With a token configured, every API request must carry it (Authorization: Bearer <token>).
 * Named tokens (TRAILHOUND_TOKENS) work the same way and also say who is asking: a case's log
 * names the holder (res.locals.author). Compared in constant time, against every token, so the
 * time taken does not tell which one nearly matched. Without any, the server only listens on
 * loopback (see start.ts).
 */
export function requireToken(token: string | undefined, named: Readonly<Record<string, string>> = {}) {
  const accepted = [...(token ? [{ name: null, value: Buffer.from(token) }] : []), ...Object.entries(named).map(([name, value]) => ({ name, value: Buffer.from(value) }))];
  return (req: Request, res: Response, next: NextFunction): void => {
    if (accepted.length === 0 || !isApiPath(req.path)) {
      next();
      return;
    }
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    let holder: { name: string | null } | null = null;
    for (const candidate of accepted) {
      if (given.length === candidate.value.length && timingSafeEqual(given, candidate.value) && !holder) holder = candidate;
    }
    if (!holder) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'UNAUTHORIZED', 'This server needs its access token.', 'Send Authorization: Bearer <TRAILHOUND_TOKEN>.');
      return;
    }
    if (holder.name) res.locals.author = holder.name;
    next();
  };
}

/**
 * TRAILHOUND_TOKENS: "alice=<token>,bob=<token>", one token per person, so that a case's log says
 * who changed what. Names are letters, digits and . _ @ -; tokens at least 16 characters, with no
 * comma or space.
 */
export function namedTokensFrom(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [index, part] of (text ?? '').split(/[,\s]+/).filter(Boolean).entries()) {
    const at = part.indexOf('=');
    const name = part.slice(0, Math.max(0, at));
    const value = part.slice(at + 1);
    if (at <= 0 || !/^[A-Za-z0-9._@-]{1,64}$/.test(name) || value.length < 16) {
      // Named by its position, never by its text: an entry without "=" may be a bare token.
      throw new TrailhoundError('BAD_SETTING', `TRAILHOUND_TOKENS: entry ${index + 1} is not name=token (a name of letters, digits, . _ @ -, and a token of 16 characters or more).`, 'Write it as alice=<long random token>,bob=<another>.');
    }
    if (Object.values(out).includes(value)) throw new TrailhoundError('BAD_SETTING', `TRAILHOUND_TOKENS: ${name} has the same token as someone else.`, 'Give every person their own token.');
    out[name] = value;
  }
  return out;
}

/**
 * Without a token the server listens on loopback only; a page elsewhere can still reach it by DNS
 * rebinding (a name of its own that resolves to 127.0.0.1, the browser then counting the server
 * as that page's origin). Such a request names the page's host, not a loopback one: refused.
 * With a token, the token decides.
 */
export function requireLoopbackHost(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (token) {
      next();
      return;
    }
    const host = hostnameOf(req.headers.host ?? '');
    if (host === null || !isLoopback(host)) {
      sendError(res, 421, 'WRONG_HOST', `This server answers requests for 127.0.0.1, localhost or [::1] only, not for "${(req.headers.host ?? '').slice(0, 100)}".`, 'Open it as http://127.0.0.1:<port>/, or set TRAILHOUND_TOKEN to serve other names.');
      return;
    }
    next();
  };
}

/** The hostname of a Host header ("127.0.0.1:8080", "[::1]:8080", "localhost"), or null. */
function hostnameOf(header: string): string | null {
  const value = header.trim().toLowerCase();
  if (value === '') return null;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? null : value.slice(1, end);
  }
  const colon = value.indexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

/** 127.0.0.0/8, ::1 or localhost; a hostname that merely starts with "127." is not. */
export function isLoopback(host: string): boolean {
  return host === '::1' || host === 'localhost' || (isIPv4(host) && host.startsWith('127.'));
}
