/**
 * Keeps stdout for the handshake line only. go-plugin treats the first stdout line as the
 * handshake, so a stray console.log from any library would break the start; later lines are read
 * and discarded by the host, and a long one can block the pipe. Everything is rerouted to the
 * logger (stderr) instead.
 */
import { format } from 'node:util';
import type { Logger } from './logger.js';

export type StdoutWriter = (text: string) => void;

/** Reroutes console.* and process.stdout.write; returns a writer that still reaches the real stdout. */
export function installStdoutGuard(logger: Logger): StdoutWriter {
  const realWrite = process.stdout.write.bind(process.stdout);
  const toLog = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => logger[level](format(...args));
  console.log = toLog('debug');
  console.info = toLog('info');
  console.debug = toLog('debug');
  console.warn = toLog('warn');
  console.error = toLog('error');
  console.trace = toLog('debug');
  console.dir = (obj: unknown) => logger.debug(format('%o', obj));
  const guarded = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.trim() !== '') logger.debug(text.trimEnd(), { stream: 'stdout' });
    const cb = rest.find((r): r is () => void => typeof r === 'function');
    if (cb) queueMicrotask(cb);
    return true;
  };
  process.stdout.write = guarded as typeof process.stdout.write;
  return (text: string) => {
    realWrite(text);
  };
}
