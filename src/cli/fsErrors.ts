/** File-system errors as the short reasons the CLI prints after the path it was working on. */
import { FlowFormatError } from '../sources/file/index.js';
import { DataError } from './errors.js';

export function isNodeError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

/** Why reading (or writing) a path failed, in words; node's message for codes without one. */
export function fsReason(err: NodeJS.ErrnoException, doing: 'read' | 'write'): string {
  switch (err.code) {
    case 'ENOENT':
      return doing === 'read' ? 'no such file' : 'its folder does not exist';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ESPIPE':
      return 'it is a pipe, not a file';
    default:
      return err.message;
  }
}

/**
 * What reading the flow file `file` threw, as the error the CLI reports: a reader's format error
 * or a system error (missing file, folder, pipe, …) becomes a DataError naming the file (node's
 * read errors do not always carry the path); anything else is a bug and is returned unchanged.
 */
export function readError(err: unknown, file: string): unknown {
  if (err instanceof FlowFormatError) return new DataError(err.message);
  if (isNodeError(err) && err.syscall !== undefined) return new DataError(`cannot read ${file}: ${fsReason(err, 'read')}`);
  return err;
}
