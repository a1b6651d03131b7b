/**
 * The one error class of the worker. It carries the exit code the CLI will use, and its message
 * reads "what: detail" and names the file (and line) when there is one. Only cli.ts catches it.
 */
export class OptoutError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'OptoutError';
    this.exitCode = exitCode;
  }
}

/** A usage error: bad flags or option values. Exit code 2. */
export class UsageError extends OptoutError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}
