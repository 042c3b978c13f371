import { randomUUID, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
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
 * Compared in constant time. Without one, the server only listens on loopback (see start.ts).
 */
export function requireToken(token: string | undefined) {
  const expected = token ? Buffer.from(token) : null;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!expected || !isApiPath(req.path)) {
      next();
      return;
    }
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'UNAUTHORIZED', 'This server needs its access token.', 'Send Authorization: Bearer <TRAILHOUND_TOKEN>.');
      return;
    }
    next();
  };
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
