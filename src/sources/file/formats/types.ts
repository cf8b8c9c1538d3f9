/**
 * What every format parser shares: the interners that turn byte slices into dictionary codes, the
 * zone for zone-less times, and the per-line parse contract.
 */
import type { FlowDictionaries, FlowTableBuilder, OptionalColumn } from '../../../engine/flowTable.js';
import { protocolName } from '../../../engine/protocols.js';
import { AddressInterner } from '../addressInterner.js';
import { ByteInterner } from '../interner.js';
import type { SkipReasonId } from '../skips.js';
import type { TimeZoneResolver } from '../time.js';

export type FileFormat = 'seed' | 'netflow-labeled' | 'binetflow' | 'nfdump' | 'csv';

export const FILE_FORMATS: readonly FileFormat[] = ['seed', 'netflow-labeled', 'binetflow', 'nfdump', 'csv'];

/** Bytes past a line's end that `RowParser.parseRun` may read. */
export const RUN_SLACK = 16;

export interface RowParser {
  readonly format: FileFormat;
  readonly columns: readonly OptionalColumn[];
  /**
   * Parses the data line `buf[s, e)` (no line terminator) into a new row of `b`. Returns null
   * when the row was added, or the reason it was not (then `b` is left unchanged).
   */
  parse(buf: Uint8Array, s: number, e: number, b: FlowTableBuilder): SkipReasonId | null;
  /** Lines that belong to the format but carry no flow (nfdump's summary block). */
  isNonData?(buf: Uint8Array, s: number, e: number): boolean;
  /**
   * Optional fast path: parses the whole lines from `pos` (`\n`-terminated, within `buf[…limit)`)
   * into `b` while each is a flow in the format's common shape, at most `maxRows`; returns the
   * offset after the last line taken (`pos` when none). A line it does not take goes to `parse`;
   * a line it takes must be read exactly as `parse` reads it. It reads at most `RUN_SLACK` bytes
   * past a line's end, and leaves a line without that much room after it to `parse`.
   */
  parseRun?(buf: Uint8Array, pos: number, limit: number, b: FlowTableBuilder, maxRows: number): number;
}

export interface ParseContext {
  readonly ip: AddressInterner;
  readonly proto: ByteInterner;
  readonly state: ByteInterner;
  readonly label: ByteInterner;
  readonly zone: TimeZoneResolver;
}

function admitProtocol(text: string): string | null {
  if (text === '' || /[\s,]/.test(text)) return null;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= 255 ? protocolName(n) : null;
  }
  return text;
}

export function createContext(dicts: FlowDictionaries, zone: TimeZoneResolver): ParseContext {
  return {
    ip: new AddressInterner(dicts.ip),
    proto: new ByteInterner(dicts.proto, true, admitProtocol),
    state: new ByteInterner(dicts.state, false, null, true),
    label: new ByteInterner(dicts.label, false, null, true),
    zone,
  };
}
