/**
 * Flow files → FlowTable chunks. Formats (detected from content, never from the file name):
 * seed-000 CSV, CTU-13 netflow-labeled, Argus binetflow, nfdump CSV (both header generations),
 * generic CSV with a column map. Plain or gzip (by magic bytes). Every line is accounted for in
 * `ReadStats`: a flow, a blank line, a header/summary line, or skipped with a reason.
 */
import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { gunzipSync, createGunzip } from 'node:zlib';
import { concatTables, createDictionaries, type FlowDictionaries, type FlowTable } from '../../engine/flowTable.js';
import { FlowFormatError } from './detect.js';
import type { ColumnMap } from './formats/headerCsv.js';
import type { FileFormat } from './formats/types.js';
import { LineEngine, type ReadStats } from './lineEngine.js';
import { timeZoneResolver } from './time.js';

export { FlowFormatError, messageWithoutContent } from './detect.js';
export { FILE_FORMATS } from './formats/types.js';
export type { FileFormat } from './formats/types.js';
export type { ColumnMap } from './formats/headerCsv.js';
export type { ReadStats } from './lineEngine.js';
export type { SkipReason } from './skips.js';

export interface ReadOptions {
  /** Default 'auto': detected from the first lines of content. */
  format?: FileFormat | 'auto';
  /** Share dictionaries across files; created when absent. */
  dicts?: FlowDictionaries;
  /** Rows per chunk (default 65536). */
  chunkRows?: number;
  /** Zone of timestamps written without one: 'UTC' (default), an IANA name or ±hh:mm. */
  timeZone?: string;
  /** Header names per field, for 'csv'. */
  columnMap?: ColumnMap;
  /**
   * The consumer is done with each chunk once it asks for the next one (it copies what it keeps),
   * so a chunk's arrays may be filled again: fewer fresh arrays, fewer page faults. Not for
   * consumers that keep chunks (readFlowFileAll does).
   */
  recycle?: boolean;
  /** Stops reading promptly when aborted (the abort reason is thrown). */
  signal?: AbortSignal;
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
}

const DEFAULT_CHUNK_ROWS = 65536;
const PIECE = 1 << 20;

function engineFor(name: string, options: ReadOptions, dicts: FlowDictionaries): LineEngine {
  const format = options.format ?? 'auto';
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!(chunkRows >= 1)) throw new RangeError(`chunkRows must be at least 1, got ${chunkRows}`);
  return new LineEngine({ format, dicts, chunkRows: Math.floor(chunkRows), zone: timeZoneResolver(options.timeZone), columnMap: options.columnMap, name });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

/** Whether bytes start with gzip's magic number (content decides, never a file's name). */
export function hasGzipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Whether the file at `path` starts with gzip's magic number. */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return hasGzipMagic(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** A file's bytes in pieces, how many file bytes were read so far, and how to let go of the file. */
interface PieceSource {
  pieces: AsyncIterable<Uint8Array>;
  bytesRead: () => number;
  close: () => Promise<void>;
}

/**
 * A plain file in pieces read into two reused buffers: the next piece is read (on libuv's
 * thread pool) while the current one is parsed, so the reader does not wait for the disk
 * between pieces. The line engine copies whatever it keeps of a piece (a partial line, sniffed
 * lines), so a buffer is free again once `push` returns; a fresh megabyte per read cost page
 * faults and zeroing (0.04 cpu s on 80 MB).
 */
function filePieces(path: string): PieceSource {
  let read = 0;
  let handle: FileHandle | null = null;
  let pending: Promise<{ bytesRead: number }> | null = null;
  async function* pieces(): AsyncGenerator<Uint8Array> {
    const fh = (handle = await open(path, 'r'));
    const bufs = [Buffer.allocUnsafe(PIECE), Buffer.allocUnsafe(PIECE)];
    let k = 0;
    let next = fh.read(bufs[0]!, 0, PIECE, null);
    pending = next;
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) return;
      read += bytesRead;
      const buf = bufs[k]!;
      k ^= 1;
      // the other buffer's piece has been parsed: it takes the next one meanwhile
      next = pending = fh.read(bufs[k]!, 0, PIECE, null);
      yield bytesRead === PIECE ? buf : buf.subarray(0, bytesRead);
    }
  }
  return {
    pieces: pieces(),
    bytesRead: () => read,
    close: async () => {
      // a read still in flight must finish before its file is closed
      await pending?.catch(() => undefined);
      await handle?.close();
    },
  };
}

/** A gzip file decompressed in pieces; `bytesRead` counts compressed bytes. */
function gunzipPieces(path: string): PieceSource {
  const raw = createReadStream(path, { highWaterMark: PIECE });
  const input = raw.pipe(createGunzip({ chunkSize: PIECE }));
  raw.on('error', (err) => input.destroy(err));
  return {
    pieces: input,
    bytesRead: () => raw.bytesRead,
    close: async () => {
      raw.destroy();
      input.destroy();
    },
  };
}

/**
 * A pipe or a device (`/dev/stdin`, `<(zcat …)`): read once, front to back, and recognised as
 * gzip by its first two bytes, since it cannot be read twice or at a position.
 */
function streamPieces(path: string): PieceSource {
  // standard input is read from its descriptor: when it is a socket (a parent process's pipe
  // in node, some shells), /dev/stdin cannot be opened
  const raw = path === STDIN ? createReadStream('', { fd: 0, autoClose: false, highWaterMark: PIECE }) : createReadStream(path, { highWaterMark: PIECE });
  let gunzip: ReturnType<typeof createGunzip> | null = null;
  async function* pieces(): AsyncGenerator<Uint8Array> {
    const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let head = Buffer.alloc(0);
    while (head.length < 2) {
      const r = await it.next();
      if (r.done) break;
      head = Buffer.concat([head, r.value]);
    }
    if (!hasGzipMagic(head)) {
      if (head.length) yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
      return;
    }
    const z = (gunzip = createGunzip({ chunkSize: PIECE }));
    raw.on('error', (err) => z.destroy(err));
    // compressed bytes in, as they come; the decompressed pieces are read below
    void (async () => {
      z.write(head);
      for (let r = await it.next(); !r.done; r = await it.next()) if (!z.write(r.value)) await new Promise((res) => z.once('drain', res));
      z.end();
    })().catch((err: unknown) => z.destroy(err instanceof Error ? err : new Error(String(err))));
    for await (const piece of z) yield piece as Buffer;
  }
  return {
    pieces: pieces(),
    bytesRead: () => raw.bytesRead,
    close: async () => {
      raw.destroy();
      gunzip?.destroy();
    },
  };
}

/** The path that stands for standard input (the CLI's `-`). */
export const STDIN = '/dev/stdin';

/** Whether `path` can be read twice and at any position: a regular file, not a pipe or device. */
export async function isRegularFile(path: string): Promise<boolean> {
  return (await stat(path)).isFile();
}

/**
 * Streams a file as FlowTable chunks of at most `chunkRows` rows sharing `dicts`. `stats()` is
 * complete once `chunks` is exhausted; `format` resolves when the format is known.
 */
export function readFlowFile(
  path: string,
  options: ReadOptions = {},
): { chunks: AsyncIterable<FlowTable>; stats: () => ReadStats; format: Promise<FileFormat> } {
  const dicts = options.dicts ?? createDictionaries();
  let engine: LineEngine | null = null;
  let resolveFormat: (f: FileFormat) => void = () => undefined;
  let rejectFormat: (e: unknown) => void = () => undefined;
  const format = new Promise<FileFormat>((res, rej) => {
    resolveFormat = res;
    rejectFormat = rej;
  });
  format.catch(() => undefined); // the same error reaches whoever iterates `chunks`
  const announce = (): void => {
    const f = engine?.format;
    if (f) resolveFormat(f);
  };

  async function* chunks(): AsyncGenerator<FlowTable> {
    try {
      throwIfAborted(options.signal);
      engine = engineFor(path, options, dicts);
      const st = await stat(path);
      const total = st.isFile() ? st.size : 0;
      const gzip = st.isFile() && (await isGzipFile(path));
      const source = !st.isFile() ? streamPieces(path) : gzip ? gunzipPieces(path) : filePieces(path);
      try {
        for await (const piece of source.pieces) {
          throwIfAborted(options.signal);
          engine.bytesRead = source.bytesRead();
          const done = engine.push(piece);
          announce();
          options.onProgress?.(source.bytesRead(), total);
          for (const t of done) {
            yield t;
            if (options.recycle) engine.release(t);
            throwIfAborted(options.signal);
          }
        }
      } catch (err) {
        // zlib's codes: only a gzip input (a file, or a stream found to be one) raises them
        if (err instanceof Error && (err as NodeJS.ErrnoException).code?.startsWith('Z_')) {
          // the rows read so far go out first: a caller may keep them (the error says how far)
          const lines = engine.stats().lines;
          for (const t of engine.end()) yield t;
          throw new FlowFormatError(`${path}: the gzip data is corrupt or truncated (${err.message}) after line ${lines}`, { truncatedAfterLine: lines });
        }
        throw err;
      } finally {
        await source.close();
      }
      engine.bytesRead = source.bytesRead();
      const rest = engine.end();
      announce();
      for (const t of rest) yield t;
      resolveFormat(engine.stats().format);
    } catch (err) {
      rejectFormat(err);
      throw err;
    }
  }

  return {
    chunks: { [Symbol.asyncIterator]: () => chunks() },
    stats: () => engine?.stats() ?? { format: options.format && options.format !== 'auto' ? options.format : 'seed', lines: 0, flows: 0, skipped: {}, bytes: 0, blankLines: 0, nonDataLines: 0 },
    format,
  };
}

/** Reads a whole file into one table. */
export async function readFlowFileAll(path: string, options: ReadOptions = {}): Promise<{ table: FlowTable; stats: ReadStats }> {
  const dicts = options.dicts ?? createDictionaries();
  const reader = readFlowFile(path, { ...options, dicts });
  const parts: FlowTable[] = [];
  for await (const t of reader.chunks) parts.push(t);
  return { table: parts.length === 1 ? parts[0]! : concatTables(dicts, parts), stats: reader.stats() };
}

/**
 * The same from bytes or text in memory (tests, uploads, a file's first bytes). Gzip bytes are
 * accepted. `name` stands for the data in error messages.
 */
export async function readFlowBuffer(data: Uint8Array | string, options: ReadOptions = {}, name = 'input'): Promise<{ table: FlowTable; stats: ReadStats }> {
  const dicts = options.dicts ?? createDictionaries();
  const engine = engineFor(name, options, dicts);
  let bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  engine.bytesRead = bytes.length;
  if (hasGzipMagic(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new FlowFormatError(`${name}: the gzip data is corrupt or truncated (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  const parts: FlowTable[] = [];
  for (let at = 0; at < bytes.length; at += PIECE) {
    throwIfAborted(options.signal);
    parts.push(...engine.push(bytes.subarray(at, Math.min(bytes.length, at + PIECE))));
    options.onProgress?.(Math.min(bytes.length, at + PIECE), bytes.length);
  }
  parts.push(...engine.end());
  const stats = engine.stats();
  if (parts.length === 1) return { table: parts[0]!, stats };
  return { table: concatTables(dicts, parts), stats };
}
