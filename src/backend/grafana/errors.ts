/**
 * Errors that know their HTTP-like status and who is at fault, the two things Grafana records for
 * a failed query: `plugin` (our code or the user's query) or `downstream` (the store we read).
 */
export type ErrorSource = 'plugin' | 'downstream';

export class PluginError extends Error {
  readonly status: number;
  readonly source: ErrorSource;
  constructor(message: string, status: number, source: ErrorSource, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PluginError';
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new RangeError(`status ${status} is not an HTTP status`);
    this.status = status;
    this.source = source;
  }
}

/** The user's request is wrong (bad query, bad body): say what to change. */
export const badRequest = (message: string): PluginError => new PluginError(message, 400, 'plugin');
export const notFound = (message: string): PluginError => new PluginError(message, 404, 'plugin');
export const tooLarge = (message: string): PluginError => new PluginError(message, 413, 'plugin');
/** A feature that does not exist yet: never answer with made-up data instead. */
export const notImplemented = (message: string): PluginError => new PluginError(message, 501, 'plugin');
/** The store failed or is misconfigured. */
export const downstreamError = (message: string, status = 502, cause?: unknown): PluginError =>
  new PluginError(message, status, 'downstream', { cause });

/** Raised when Grafana cancels the call or its deadline passes. */
export class RequestAbortedError extends PluginError {
  constructor(readonly reason: 'cancelled' | 'deadline') {
    super(
      reason === 'deadline' ? 'The query ran past its deadline and was stopped.' : 'The request was cancelled by Grafana.',
      reason === 'deadline' ? 504 : 499,
      'downstream',
    );
    this.name = 'RequestAbortedError';
  }
}

/** Status, source and message for any thrown value; unknown errors are bugs (500, plugin). */
export function describeError(err: unknown): { status: number; source: ErrorSource; message: string; internal: boolean } {
  if (err instanceof PluginError) return { status: err.status, source: err.source, message: err.message, internal: false };
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, source: 'plugin', message: `Internal error in the plugin: ${message}`, internal: true };
}

/** Throws the signal's reason (a RequestAbortedError when it came from the gRPC call). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new RequestAbortedError('cancelled');
}
