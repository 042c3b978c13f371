/**
 * The one error type Trailhound raises on purpose: a code for programs, a message for people,
 * and a hint that says what to do. The CLI prints message + hint; the server maps code to an
 * HTTP status in its error envelope.
 */
export class TrailhoundError extends Error {
  /** The CLI's exit status for it (EXIT_CODES); 1 unless the error is one a script should tell apart. */
  readonly exitCode: number;

  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown; exitCode?: number },
  ) {
    super(message, options);
    this.name = 'TrailhoundError';
    this.exitCode = options?.exitCode ?? EXIT_CODES.error;
  }
}

/**
 * The CLI's exit statuses (README "Exit status"). A script tells a database that is away (3: run
 * the same command again later, nothing is lost) from one that refuses the credentials (4: fix
 * the settings) and from rejected records (2).
 */
export const EXIT_CODES = {
  ok: 0,
  error: 1,
  rejects: 2,
  databaseUnavailable: 3,
  databaseCredentials: 4,
} as const;

export function isTrailhoundError(error: unknown): error is TrailhoundError {
  return error instanceof TrailhoundError;
}
