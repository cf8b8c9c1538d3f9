/**
 * A toy flow format for file-store tests: one `ts,src,dst` per line, so each test writes exactly
 * the flows it counts; files starting with "junk" are refused as an unknown format.
 */
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { badRequest } from '../../../src/backend/grafana/errors.js';
import type { FlowFileParser } from '../../../src/backend/store/fileStore.js';
import { FlowTableBuilder, NO_PORT } from '../../../src/engine/flowTable.js';

export interface ToyParserOptions {
  /** Waits this long before parsing (concurrent first reads). */
  delayMs?: number;
  /** A file named here waits for its promise before it is parsed. */
  gates?: ReadonlyMap<string, Promise<void>>;
  /** Called with a file's name as its parse starts. */
  started?: (name: string) => void;
}

/** Parses toy files, recording each file parsed in `calls`; every file reports one skipped line. */
export function toyParser(calls: string[], opts: ToyParserOptions = {}): FlowFileParser {
  return async (file, { dicts }) => {
    calls.push(file.name);
    opts.started?.(file.name);
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    const gate = opts.gates?.get(file.name);
    if (gate) await gate;
    const text = readFileSync(file.path, 'utf8');
    if (text.startsWith('junk')) throw badRequest('not a known flow format');
    const b = new FlowTableBuilder(dicts, [], 8);
    for (const line of text.trim().split('\n')) {
      const [ts, src, dst] = line.split(',');
      const i = b.addRow();
      b.ts[i] = Number(ts);
      b.srcIp[i] = dicts.ip.code(src!);
      b.dstIp[i] = dicts.ip.code(dst!);
      b.srcPort[i] = NO_PORT;
      b.dstPort[i] = NO_PORT;
      b.proto[i] = dicts.proto.code('tcp');
    }
    return { table: b.finish(), skippedLines: 1, skippedExamples: ['line 9: bad'] };
  };
}

/** Writes a toy file of flows stamped `ts…`, last modified at `mtime` (epoch s). */
export function toyFile(root: string, name: string, mtime: number, ...ts: number[]): void {
  writeFileSync(join(root, name), ts.map((t) => `${t},10.0.0.1,10.0.0.9\n`).join(''));
  utimesSync(join(root, name), mtime, mtime);
}
