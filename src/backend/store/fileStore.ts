/**
 * The embedded default store: flow files under one root folder. Files are listed recursively
 * (hidden files skipped, symlinks followed only while they stay inside the root), parsed once and
 * cached per file by (mtime, size), pruned by their time bounds (or, before a first parse, by their
 * modification time), and cut to the query range. Reads and parses are shared by concurrent queries.
 */
import { readdir } from 'node:fs/promises';
import { gatherRows } from '../../engine/filter/index.js';
import { concatTableSteps, createDictionaries, type FlowDictionaries, type FlowTable } from '../../engine/flowTable.js';
import type { FileStoreSettings } from '../../query/settings.js';
import { describeError, downstreamError, throwIfAborted, tooLarge, type PluginError } from '../grafana/errors.js';
import { FileCache, type CachedFile, type ParsedFile, type TimeBounds } from './fileCache.js';
import { FlowFormatError, messageWithoutContent } from '../../sources/file/index.js';
import { listFlowFiles, realFolder, type FlowFileEntry } from './folderListing.js';
import { runInSlices } from '../grafana/timeSlices.js';
import { SharedWork, untilAborted } from '../sharedWork.js';
import { tooManyFlows, type FlowStore, type ReadOptions, type ReadResult, type StoreHealth, type TimeRangeSeconds } from './store.js';

export type { FlowFileEntry } from './folderListing.js';

/** Reads one whole flow file into a table using the shared dictionaries. */
export type FlowFileParser = (file: FlowFileEntry, opts: { dicts: FlowDictionaries; settings: FileStoreSettings; signal: AbortSignal }) => Promise<ParsedFile>;

/** The format name of a flow file from a cheap look at its start; throws when it is not one. */
export type FlowFileProbe = (file: FlowFileEntry, opts: { settings: FileStoreSettings; signal: AbortSignal }) => Promise<string>;

const PROBED_FILES = 50;
const NEVER = new AbortController().signal;

/** Rows parsed and kept per data source; files beyond it are parsed again when needed. */
export const CACHE_ROWS = 4_000_000;

export class FileStore implements FlowStore {
  readonly kind = 'file';
  /** Shared by every file of this store, so tables from different files and reads combine. */
  readonly dicts = createDictionaries();
  private readonly cache: FileCache;
  private readonly parsing = new SharedWork<CachedFile>();

  private readonly probe?: FlowFileProbe;
  private readonly listingTtlMs: number;
  private readonly maxBytes: number;
  private listing: { at: number; files: Promise<FlowFileEntry[]> } | undefined;
  /**
   * Whether files hold no flow stamped after their modification time (plus WRITTEN_SLACK_S):
   * unverified until the first file the rule would pass over has been parsed to check it, broken
   * for good once any parsed file holds such a flow. Files never parsed are passed over by their
   * modification time only while it holds.
   */
  private mtimeRule: 'unverified' | 'holds' | 'broken' = 'unverified';
  private readonly readdir: (dir: string) => Promise<string[]>;

  constructor(
    readonly settings: FileStoreSettings,
    private readonly parse: FlowFileParser,
    options: {
      probe?: FlowFileProbe;
      cacheRows?: number;
      listingTtlMs?: number;
      maxBytes?: number;
      /** Lists a folder (default: fs readdir); tests stand in a folder that cannot be read. */
      readdir?: (dir: string) => Promise<string[]>;
    } = {},
  ) {
    this.cache = new FileCache(options.cacheRows ?? CACHE_ROWS);
    this.readdir = options.readdir ?? ((dir) => readdir(dir));
    this.maxBytes = options.maxBytes ?? Infinity;
    this.probe = options.probe;
    this.listingTtlMs = options.listingTtlMs ?? 0;
  }

  /**
   * The listing, reused for `listingTtlMs`: back-to-back queries (a dashboard's panels, an alert
   * rule's queries) skip the directory walk; a file changed within that time is seen by the next read.
   */
  private recentFiles(signal: AbortSignal): Promise<FlowFileEntry[]> {
    const now = performance.now();
    if (this.listing && now - this.listing.at < this.listingTtlMs) return this.listing.files;
    // Shared by concurrent queries, so one query's cancellation must not fail the others' listing.
    const files = this.listingTtlMs > 0 ? this.listFiles(NEVER) : this.listFiles(signal);
    const entry = { at: now, files };
    this.listing = entry;
    files.catch(() => {
      if (this.listing === entry) this.listing = undefined;
    });
    return files;
  }

  /** The real root folder, or a downstream error saying what to fix. */
  realRoot(): Promise<string> {
    return realFolder(this.settings.root);
  }

  /** Every flow file under the root, each once (see `listFlowFiles`). */
  listFiles(signal: AbortSignal): Promise<FlowFileEntry[]> {
    return listFlowFiles(this.settings.root, this.readdir, signal);
  }

  async check(signal: AbortSignal): Promise<StoreHealth> {
    const root = this.settings.root;
    const listed = await this.listFiles(signal);
    const files = listed.filter((f) => f.unreadable === undefined);
    const folders = listed.filter((f) => f.unreadable !== undefined).map((f) => f.name);
    const foldersNote = folders.length ? `; ${folders.length === 1 ? 'the folder' : 'the folders'} ${folders.slice(0, 3).join(', ')}${folders.length > 3 ? ', …' : ''} cannot be read and ${folders.length === 1 ? 'is' : 'are'} left out` : '';
    if (files.length === 0) {
      return { ok: false, message: `The flow folder ${root} holds no files${foldersNote} — copy flow files (CSV, binetflow, nfdump CSV) into it.` };
    }
    const bytes = files.reduce((s, f) => s + f.size, 0);
    const size = `${(bytes / 1e6).toFixed(1)} MB`;
    const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
    if (!this.probe) {
      return { ok: true, message: `Found ${plural(files.length, 'flow file')} (${size}) in ${root}${foldersNote}.`, details: { files: files.length, bytes } };
    }
    const probed = files.slice(0, PROBED_FILES);
    /** Why each probed file was left out (null: readable), for the message when none is readable. */
    const reasons: (string | null)[] = probed.map(() => null);
    /** Files the system refused (permissions, I/O), told apart from files that are not flows. */
    const cannotRead: boolean[] = probed.map(() => false);
    const formats = await Promise.all(
      probed.map((f, i) =>
        this.probe!(f, { settings: this.settings, signal }).catch((err: unknown) => {
          throwIfAborted(signal);
          // Not a flow file, or not readable: left out. Anything else is a bug and fails the check.
          const notFlows = err instanceof Error && (err instanceof FlowFormatError || (err as NodeJS.ErrnoException).code !== undefined);
          if (!notFlows && describeError(err).internal) throw err;
          // the reader's message starts with the file's name, which the health message puts first;
          // its content-free form, as a file that is not flows may be anything (a key, a config)
          const code = (err as NodeJS.ErrnoException).code;
          reasons[i] = err instanceof FlowFormatError ? messageWithoutContent(err).replace(`${probed[i]!.name}: `, '') : `it cannot be read (${code ?? 'error'})`;
          if (code !== undefined) cannotRead[i] = true;
          return null;
        }),
      ),
    );
    const byFormat = new Map<string, number>();
    for (const f of formats) if (f !== null) byFormat.set(f, (byFormat.get(f) ?? 0) + 1);
    const known = formats.filter((f) => f !== null).length;
    const others = probed.length - known;
    if (known === 0) {
      return {
        ok: false,
        // the first file's reason says what to fix: often a column map that does not match the header
        message: `None of the ${plural(probed.length, 'file')} in ${root} is a flow file Flowlens can read (seed CSV, CTU-13 netflow-labeled, Argus binetflow, nfdump CSV, or a CSV with a header row and 'Format' csv with its header columns set) — check the folder and the 'Format' setting. ${probed[0]!.name}: ${reasons[0]}`,
        details: { files: files.length, readable: 0 },
      };
    }
    const kinds = [...byFormat.entries()].map(([f, n]) => `${f} ×${n}`).join(', ');
    const refused = cannotRead.filter(Boolean).length;
    const notFlows = others - refused;
    const rest =
      (notFlows ? `; ${plural(notFlows, 'other file')} ${notFlows === 1 ? 'is not a flow file and is' : 'are not flow files and are'} left out` : '') +
      (refused ? `; ${plural(refused, 'file')} cannot be read (check ${refused === 1 ? 'its' : 'their'} permissions) and ${refused === 1 ? 'is' : 'are'} left out` : '');
    const unchecked = files.length > probed.length ? ` (the first ${probed.length} of ${files.length} files checked)` : '';
    return {
      ok: true,
      message: `Found ${plural(known, 'flow file')} (${kinds}; ${size}) in ${root}${unchecked}${rest}${foldersNote}.`,
      details: { files: files.length, readable: known, bytes },
    };
  }

  /**
   * Flows with `from <= ts < to` from every file whose time bounds overlap the range. The bytes of
   * the files that overlap stay within `maxBytes`, and their flows in the range within `maxRows`:
   * past either the query fails before parsing (and holding) another file. A file parsed only to
   * learn that it lies elsewhere is not counted: its bounds are kept, so that is learned once.
   */
  async read(range: TimeRangeSeconds, signal: AbortSignal, maxRows = Infinity, options: ReadOptions = {}): Promise<ReadResult> {
    const parts: FlowTable[] = [];
    let inRange = 0;
    let recordsRead = 0;
    let skippedLines = 0;
    let filesRead = 0;
    const skippedExamples: string[] = [];
    const overlaps = (b: TimeBounds): boolean => b.maxTs >= range.from && b.minTs < range.to;
    // a range past the clock: no file can have been modified after its flows, so none is passed over
    const written = range.from <= Date.now() / 1000 ? overlaps : () => true;
    const { files, unreadable } = await this.eachFile(signal, options, overlaps, written, false, (f, entry) => {
      filesRead++;
      recordsRead += entry.table.length;
      skippedLines += entry.skippedLines;
      for (const ex of entry.skippedExamples) if (skippedExamples.length < 10) skippedExamples.push(`${f.name}: ${ex}`);
      const part = cutToRange(entry.table, range);
      inRange += part.length;
      if (inRange > maxRows) throw tooManyFlows(maxRows);
      parts.push(part);
    });
    // millions of rows: copied in slices, so other requests and this one's cancel get their turn
    const table = parts.length === 1 ? parts[0]! : await runInSlices(concatTableSteps(this.dicts, parts), signal);
    // no file at all, or only files parsed and found without a flow: a setup problem, not a quiet network
    const empty = files.every((f) => f.unreadable !== undefined || this.cache.get(f.path, f.mtimeMs, f.size)?.table.length === 0);
    return { table, recordsRead, skippedLines, skippedExamples, filesRead, unreadableFiles: unreadable, ...(empty ? { empty } : {}) };
  }

  /**
   * The newest flow stamped at or before `notAfter`, a file at a time, most recently modified
   * first: a file whose bounds (known, or implied by its modification time) end before the newest
   * found so far is not read, one that ends before `notAfter` answers from its bounds, and only a
   * file holding flows past `notAfter` (a wrong exporter clock) is scanned.
   */
  async newestFlow(notAfter: number, signal: AbortSignal, options: ReadOptions = {}): Promise<number> {
    let newest = -Infinity;
    const mayBeNewer = (b: TimeBounds): boolean => {
      if (b.minTs > notAfter || b.maxTs <= newest) return false;
      if (b.maxTs > notAfter) return true;
      newest = b.maxTs;
      return false;
    };
    await this.eachFile(signal, options, mayBeNewer, (b) => b.maxTs > newest, true, (_f, entry) => {
      const ts = entry.table.ts;
      for (let i = 0; i < ts.length; i++) if (ts[i]! > newest && ts[i]! <= notAfter) newest = ts[i]!;
    });
    return newest;
  }

  /**
   * Visits the parsed rows of every file `wanted` keeps by its time bounds (known ones first,
   * asked again once a file is parsed), parsing within 'Max bytes read'. A file never parsed is
   * first offered to `mayHold` with the bounds its modification time implies (see `writtenBounds`),
   * so a cold query over a folder of months passes over the archive. Files that cannot be read as
   * flows are listed in `unreadable`; when no file can be read, that is the error.
   */
  private async eachFile(
    signal: AbortSignal,
    options: ReadOptions,
    wanted: (b: TimeBounds) => boolean,
    mayHold: (b: TimeBounds) => boolean,
    newestFirst: boolean,
    visit: (f: FlowFileEntry, entry: CachedFile) => void,
  ): Promise<{ files: FlowFileEntry[]; unreadable: string[] }> {
    // the listing may be shared with other queries: this one stops waiting when it is cancelled
    const listed = await untilAborted(this.recentFiles(signal), signal);
    throwIfAborted(signal);
    const since = options.modifiedSinceMs;
    const files = since === undefined ? listed : listed.filter((f) => f.unreadable === undefined && f.mtimeMs >= since);
    const order = newestFirst ? [...files].sort((a, b) => b.mtimeMs - a.mtimeMs) : files;
    const unreadable: string[] = [];
    /** Files this read has used, which the files it parses next must not evict from the cache. */
    const used = new Set<string>();
    /** Files passed over by their modification time, read after all if a file breaks the rule meanwhile. */
    const passedOver: FlowFileEntry[] = [];
    let lastError: PluginError | undefined;
    let bytes = 0;
    const refuse = (): PluginError => tooLarge(`This time range needs more than ${formatBytes(this.maxBytes)} of flow files read, more than this data source allows: pick a shorter range, or raise 'Max bytes read'.`);
    const one = async (f: FlowFileEntry, byModification: boolean): Promise<void> => {
      let entry = this.cache.get(f.path, f.mtimeMs, f.size);
      // pruned by its bounds even when its rows were evicted (no parse to learn it is out of range)
      const known = entry ?? this.cache.boundsOf(f.path, f.mtimeMs, f.size);
      if (known && !wanted(known)) return;
      const wouldPass = !known && byModification && this.mtimeRule !== 'broken' && !mayHold(writtenBounds(f));
      // a file too large for what is left of the budget is not parsed just to check the rule
      if (wouldPass && (this.mtimeRule === 'holds' || f.size > this.maxBytes - bytes)) {
        passedOver.push(f);
        return;
      }
      // a file the range needs counts before it is parsed; one parsed only to learn its bounds
      // counts if it turns out to be needed, but no file larger than what is left is ever parsed
      if (known) bytes += f.size;
      if (bytes > this.maxBytes || (!known && f.size > this.maxBytes - bytes)) throw refuse();
      used.add(f.path);
      if (!entry) {
        try {
          entry = await this.load(f, signal, used);
        } catch (err) {
          throwIfAborted(signal);
          const d = describeError(err);
          if (d.internal) throw err;
          // reader messages start with the file's path, which the name here already gives
          unreadable.push(`${f.name}: ${d.message.startsWith(`${f.path}: `) ? d.message.slice(f.path.length + 2) : d.message}`);
          lastError = err as PluginError;
          return;
        }
        // the first file the rule would have passed over is parsed to check it (every parsed file
        // tests it in `load`; a concurrent read may have found it broken meanwhile)
        if (wouldPass && this.mtimeRule === 'unverified' && entry.maxTs <= writtenBounds(f).maxTs) this.mtimeRule = 'holds';
        if (!known) {
          if (!wanted(entry)) return;
          bytes += f.size;
          if (bytes > this.maxBytes) throw refuse();
        }
      }
      visit(f, entry);
    };
    for (const f of order) {
      throwIfAborted(signal);
      if (f.unreadable !== undefined) unreadable.push(`${f.name}: ${f.unreadable}`);
      else await one(f, true);
    }
    // a file broke the rule during this read: the files it passed over are read after all
    if (this.mtimeRule === 'broken') {
      for (const f of passedOver) {
        throwIfAborted(signal);
        await one(f, false);
      }
    }
    if (unreadable.length && unreadable.length === files.length) {
      throw downstreamError(`No file in ${this.settings.root} could be read as flows — ${unreadable[0]}`, 502, lastError);
    }
    return { files, unreadable };
  }


  /**
   * Parses a file once even when several queries ask for it at the same time. Each query stops
   * waiting at its own cancel; the parse stops when no query waits for it any more.
   */
  private load(f: FlowFileEntry, signal: AbortSignal, pinned: ReadonlySet<string>): Promise<CachedFile> {
    return this.parsing.run(`${f.path}\0${f.mtimeMs}\0${f.size}`, signal, (shared) =>
      this.parse(f, { dicts: this.dicts, settings: this.settings, signal: shared }).then((parsed) => {
        const entry = this.cache.set(f.path, f.mtimeMs, f.size, parsed, pinned);
        // every parsed file tests the rule, even when the query that asked for it has gone
        if (entry.maxTs > writtenBounds(f).maxTs) this.mtimeRule = 'broken';
        return entry;
      }),
    );
  }

  dispose(): void {
    this.cache.clear();
  }
}

/**
 * How far past its file's modification time a flow may be stamped: a day covers an exporter whose
 * zone is misread (up to 14 h) and a drifting clock.
 */
export const WRITTEN_SLACK_S = 86_400;

/**
 * The bounds a file's modification time implies before it is parsed: a flow is written after it
 * starts, so a file last modified at m holds no flow stamped after m (give or take the slack). A
 * folder of rotated files (nfcapd every 5 minutes, kept for months) is thereby read by its
 * recent files for a recent range. The rule is checked on the first file it would pass over, and
 * any parsed file that breaks it (copied with made-up times, generated ahead of the clock) turns it
 * off for the store (see `mtimeRule`).
 */
function writtenBounds(f: FlowFileEntry): TimeBounds {
  return { minTs: -Infinity, maxTs: f.mtimeMs / 1000 + WRITTEN_SLACK_S };
}

/** 10 GiB, 512 MiB, 700 kB: a size for messages. */
export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${+(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${+(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 1000) return `${+(n / 1000).toFixed(1)} kB`;
  return `${n} bytes`;
}

/** The rows of `t` with `from <= ts < to` (the table itself when all are in range). */
export function cutToRange(t: FlowTable, range: TimeRangeSeconds): FlowTable {
  let inside = 0;
  for (let i = 0; i < t.length; i++) if (t.ts[i]! >= range.from && t.ts[i]! < range.to) inside++;
  if (inside === t.length) return t;
  const keep = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) keep[i] = t.ts[i]! >= range.from && t.ts[i]! < range.to ? 1 : 0;
  return gatherRows(t, keep);
}
