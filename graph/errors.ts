/**
 * The one error type Trailhound raises on purpose: a code for programs, a message for people,
 * and a hint that says what to do. The CLI prints message + hint; the server maps code to an
 * HTTP status in its error envelope.
 */
export class TrailhoundError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TrailhoundError';
  }
}

export function isTrailhoundError(error: unknown): error is TrailhoundError {
  return error instanceof TrailhoundError;
}
