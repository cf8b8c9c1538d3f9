/**
 * Parsed flow files kept per data source, keyed by real path and invalidated by (mtime, size), with
 * each file's time bounds for pruning. Bounded by a row budget, least recently used evicted first.
 */
import type { FlowTable } from '../../engine/flowTable.js';

export interface ParsedFile {
  table: FlowTable;
  skippedLines: number;
  skippedExamples: string[];
}

export interface CachedFile extends ParsedFile {
  mtimeMs: number;
  size: number;
  minTs: number;
  maxTs: number;
}

/** The earliest and latest flow stamps of a file (epoch s). */
export interface TimeBounds {
  minTs: number;
  maxTs: number;
}

export function timeBounds(table: FlowTable): TimeBounds {
  let minTs = Infinity;
  let maxTs = -Infinity;
  const ts = table.ts;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t < minTs) minTs = t;
    if (t > maxTs) maxTs = t;
  }
  return { minTs, maxTs };
}

/** A file's time bounds as of one (mtime, size): a few numbers, kept after its rows are evicted. */
interface FileBounds {
  mtimeMs: number;
  size: number;
  minTs: number;
  maxTs: number;
}

const NONE: ReadonlySet<string> = new Set();

/** Bounds kept for at most this many files (about 100 bytes each). */
const MAX_BOUNDS = 200_000;

export class FileCache {
  private readonly files = new Map<string, CachedFile>();
  /**
   * Every parsed file's bounds, surviving the eviction of its rows: without them a file evicted
   * from a folder larger than the row budget was parsed again by every query and every stream poll
   * just to learn that it lies outside the range (which evicted another file in turn).
   */
  private readonly bounds = new Map<string, FileBounds>();
  private rows = 0;
  constructor(readonly maxRows: number) {}

  /** The time bounds of the file as of (mtime, size), if it was ever parsed in that state. */
  boundsOf(path: string, mtimeMs: number, size: number): TimeBounds | undefined {
    const b = this.bounds.get(path);
    return b && b.mtimeMs === mtimeMs && b.size === size ? b : undefined;
  }

  get(path: string, mtimeMs: number, size: number): CachedFile | undefined {
    const c = this.files.get(path);
    if (!c) return undefined;
    if (c.mtimeMs !== mtimeMs || c.size !== size) {
      this.delete(path);
      return undefined;
    }
    // Map order is insertion order: re-insert to mark as recently used.
    this.files.delete(path);
    this.files.set(path, c);
    return c;
  }

  /**
   * Keeps a parsed file, evicting the least recently used others, but never one in `pinned` (the
   * files the current read has used): a read over a little more than the budget otherwise evicted
   * each file just before it needed it again, and every refresh parsed every file. A file that
   * only fits by evicting pinned ones is not kept (its bounds are).
   */
  set(path: string, mtimeMs: number, size: number, parsed: ParsedFile, pinned: ReadonlySet<string> = NONE): CachedFile {
    this.delete(path);
    const entry: CachedFile = { ...parsed, mtimeMs, size, ...timeBounds(parsed.table) };
    this.bounds.delete(path);
    if (this.bounds.size >= MAX_BOUNDS) this.bounds.delete(this.bounds.keys().next().value!);
    this.bounds.set(path, { mtimeMs, size, minTs: entry.minTs, maxTs: entry.maxTs });
    // a file that cannot fit beside the files pinned by its read (or at all) would push others out
    // and still not stay: its rows go to the query that asked, and only its bounds are kept
    let pinnedRows = 0;
    for (const p of pinned) if (p !== path) pinnedRows += this.files.get(p)?.table.length ?? 0;
    if (pinnedRows + parsed.table.length > this.maxRows) return entry;
    this.files.set(path, entry);
    this.rows += parsed.table.length;
    for (const p of this.files.keys()) {
      if (this.rows <= this.maxRows) break;
      if (p !== path && !pinned.has(p)) this.delete(p);
    }
    return entry;
  }

  delete(path: string): void {
    const c = this.files.get(path);
    if (c) {
      this.rows -= c.table.length;
      this.files.delete(path);
    }
  }

  get cachedRows(): number {
    return this.rows;
  }

  clear(): void {
    this.files.clear();
    this.bounds.clear();
    this.rows = 0;
  }
}
