/** The file store's parser: Flowlens' flow-file readers (format detected from content, gzip accepted). */
import { open } from 'node:fs/promises';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { FileStoreSettings } from '../../query/settings.js';
import { columnMapOfRoles } from '../../sources/file/columnRoles.js';
import { concatTables, type FlowTable } from '../../engine/flowTable.js';
import { FlowFormatError, hasGzipMagic, messageWithoutContent, readFlowBuffer, readFlowFile, type ReadOptions } from '../../sources/file/index.js';
import { downstreamError } from '../grafana/errors.js';
import type { ParsedFile } from './fileCache.js';
import type { FlowFileParser, FlowFileProbe } from './fileStore.js';

/** How the settings ask files to be read; only generic CSV takes the column map. */
function readOptions(settings: FileStoreSettings): ReadOptions {
  const options: ReadOptions = { format: settings.format, timeZone: settings.timeZone };
  if (settings.format === 'csv') options.columnMap = columnMapOfRoles(settings.columns);
  return options;
}

export const readFlowFiles: FlowFileParser = async (file, { dicts, settings, signal }): Promise<ParsedFile> => {
  const reader = readFlowFile(file.path, { ...readOptions(settings), dicts, signal });
  const parts: FlowTable[] = [];
  const parsed = (truncated: string | null): ParsedFile => {
    // A last line without its newline that does not parse is a collector's line half written: it
    // is read by the first query after the file grows, so it is no skipped line (a panel over a
    // live file would warn all the time). The CLI still reports it.
    const reasons = Object.entries(reader.stats().skipped).filter(([reason]) => reason !== 'unfinished-last-line');
    const examples = reasons.map(([reason, r]) => `${reason} ×${r.count} (line${r.firstLines.length > 1 ? 's' : ''} ${r.firstLines.slice(0, 3).join(', ')})`);
    return {
      table: parts.length === 1 ? parts[0]! : concatTables(dicts, parts),
      // the line cut by the end of the data counts as skipped, so the notice appears
      skippedLines: reasons.reduce((s, [, r]) => s + r.count, 0) + (truncated === null ? 0 : 1),
      skippedExamples: truncated === null ? examples : [truncated, ...examples],
    };
  };
  try {
    for await (const t of reader.chunks) parts.push(t);
    return parsed(null);
  } catch (err) {
    signal.throwIfAborted();
    // gzip that ends early (a collector still writing it): the flows before the cut count, and a
    // notice says where the file stops being read, rather than the whole file vanishing
    if (err instanceof FlowFormatError && err.truncatedAfterLine !== undefined && parts.length > 0) {
      return parsed(`the gzip data ends after line ${err.truncatedAfterLine} (corrupt, or still being written): the rest is not read`);
    }
    // Messages name the file by its path under the root, never by where the root lives, and
    // quote none of its content: every viewer of a panel reads them.
    if (err instanceof FlowFormatError) throw downstreamError(messageWithoutContent(err).split(file.path).join(file.name), 502, err);
    const code = (err as NodeJS.ErrnoException).code;
    if (code) throw downstreamError(`${file.name} cannot be read (${code}).`, 502, err);
    throw err;
  }
};

const PROBE_BYTES = 64 * 1024;

/** The format of a file from its first 64 KB (gzip too), or a FlowFormatError when none fits. */
export const probeFlowFile: FlowFileProbe = async (file, { settings, signal }) => {
  const fh = await open(file.path, 'r');
  let head: Uint8Array;
  try {
    const buf = new Uint8Array(PROBE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, PROBE_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  signal.throwIfAborted();
  if (hasGzipMagic(head)) {
    // A truncated gzip stream decompresses as far as it goes with a sync flush.
    head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).subarray(0, PROBE_BYTES);
  }
  const lastNewline = head.lastIndexOf(10);
  const whole = lastNewline >= 0 && head.length === PROBE_BYTES ? head.subarray(0, lastNewline + 1) : head;
  const { stats } = await readFlowBuffer(whole, { ...readOptions(settings), signal }, file.name);
  if (stats.flows === 0) throw new FlowFormatError(`${file.name}: no flows in its first ${PROBE_BYTES / 1024} KB`);
  return stats.format;
};
