/** A mistake in how the command was called: exit code 2, message plus a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The input data could not be used (unreadable file, unknown format, …): exit code 1. */
export class DataError extends Error {
  override readonly name = 'DataError';
}

export const EXIT_OK = 0;
export const EXIT_DATA = 1;
export const EXIT_USAGE = 2;
