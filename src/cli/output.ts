/**
 * Where a command writes its result: stdout, or a file named by `-o`. Every command writes
 * through this, so they agree on two things users hit:
 * - a reader that stops early (`flowlens … | head`) ends the command quietly with exit 0 and no
 *   stack trace; the rest of the output is dropped;
 * - any other write failure (a full disk, a path that cannot be created) is a data error, exit 1,
 *   naming the file, and a file that cannot be created is found before the work starts.
 */
import { access, open, stat, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { DataError } from './errors.js';
import { fsReason, isNodeError } from './fsErrors.js';
import type { CliIO } from './io.js';

const reason = (err: NodeJS.ErrnoException): string => fsReason(err, 'write');

export interface Output {
  /**
   * Resolves once the text is handed on (after a drain when stdout's buffer is full): true, or
   * false when the reader has gone and producing more is pointless.
   */
  write(text: string): Promise<boolean>;
  /** Flushes and closes; a DataError if anything written could not be. */
  close(): Promise<void>;
}

/** `path` as the file to write, or stdout when it is undefined or `-`. */
export async function openOutput(io: CliIO, path: string | undefined): Promise<Output> {
  return path === undefined || path === '-' ? stdoutOutput(io) : fileOutput(path);
}

async function fileOutput(path: string): Promise<Output> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'w');
  } catch (err) {
    throw isNodeError(err) ? new DataError(`cannot write ${path}: ${reason(err)}`) : err;
  }
  const failed = (err: unknown): unknown => (isNodeError(err) ? new DataError(`cannot write ${path}: ${reason(err)}`) : err);
  return {
    async write(text) {
      try {
        await fh.write(text);
        return true;
      } catch (err) {
        await fh.close().catch(() => undefined);
        throw failed(err);
      }
    },
    async close() {
      try {
        await fh.close();
      } catch (err) {
        throw failed(err);
      }
    },
  };
}

function stdoutOutput(io: CliIO): Output {
  const out = io.stdout;
  let closedByReader = false;
  let error: NodeJS.ErrnoException | null = null;
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') closedByReader = true;
    else error ??= err;
  });
  const check = (): void => {
    if (error) throw new DataError(`cannot write output: ${reason(error)}`);
  };
  return {
    async write(text) {
      check();
      if (closedByReader) return false;
      let ok: boolean;
      try {
        ok = out.write(text);
      } catch (err) {
        // a stream over a file (stdout redirected to one) may throw instead of emitting
        if (!isNodeError(err)) throw err;
        if (err.code === 'EPIPE') closedByReader = true;
        else error ??= err;
        ok = true;
      }
      if (!ok) {
        await new Promise<void>((res) => {
          // a reader that went away never drains: the error ends the wait
          const done = (): void => {
            out.off('drain', done);
            out.off('error', done);
            res();
          };
          out.once('drain', done);
          out.once('error', done);
        });
      }
      check();
      return !closedByReader;
    },
    async close() {
      if (!closedByReader && !error) {
        // an empty write's callback runs after everything before it was written (or failed)
        await new Promise<void>((res) => out.write('', () => res()));
      }
      check();
    },
  };
}

/**
 * Fails now, with the reason, when `path` could not be written later: its folder is missing or
 * not writable, or it is a folder. For outputs written only at the end of long work (a trained
 * profile), without creating or truncating the file before that work succeeds.
 */
export async function checkWritable(path: string | undefined): Promise<void> {
  if (path === undefined || path === '-') return;
  const fail = (why: string): never => {
    throw new DataError(`cannot write ${path}: ${why}`);
  };
  const st = await stat(path).catch(() => null);
  if (st?.isDirectory()) fail('it is a folder');
  try {
    await access(st ? path : dirname(path), constants.W_OK);
  } catch (err) {
    if (isNodeError(err)) fail(reason(err));
    throw err;
  }
}

/** Writes a whole result to stdout, with `openOutput`'s handling of a reader that went away or a failed write. */
export async function writeStdout(io: CliIO, text: string): Promise<void> {
  const out = await openOutput(io, undefined);
  await out.write(text);
  await out.close();
}
