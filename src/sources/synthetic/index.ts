/**
 * `flowlens generate` as a library: deterministic synthetic flows written in the seed CSV, Argus
 * binetflow or CTU-13 netflow-labeled format (labels: normal, botnet, background), the host lists
 * behind them, and the same flows as a FlowTable.
 */
import { createDictionaries, concatTables, type FlowDictionaries, type FlowTable } from '../../engine/flowTable.js';
import { BINETFLOW_HEADER } from '../file/formats/binetflow.js';
import { NETFLOW_LABELED_HEADER } from '../file/formats/netflowLabeled.js';
import { LineEngine } from '../file/lineEngine.js';
import { timeZoneResolver } from '../file/time.js';
import { hostsFor, traffic, type FlowRecord, type TrafficOptions } from './traffic.js';

export type GeneratedFormat = 'seed' | 'binetflow' | 'netflow-labeled';
export const GENERATED_FORMATS: readonly GeneratedFormat[] = ['seed', 'binetflow', 'netflow-labeled'];

export interface GenerateOptions extends TrafficOptions {
  format: GeneratedFormat;
}

export { DEFAULT_START, type FlowRecord, type TrafficOptions } from './traffic.js';

/** The hosts the generator uses: which addresses are bots, which are normal clients. */
export function generatedHosts(options: TrafficOptions): { bots: string[]; normal: string[]; background: string[] } {
  const h = hostsFor(options);
  return { bots: h.bots, normal: h.normal, background: h.background };
}

const pad2 = (x: number): string => (x < 10 ? `0${x}` : String(x));

function calendar(ts: number, sep: string): string {
  const d = new Date(Math.floor(ts) * 1000);
  return `${d.getUTCFullYear()}${sep}${pad2(d.getUTCMonth() + 1)}${sep}${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

function fraction(ts: number, digits: number): string {
  const scale = 10 ** digits;
  const f = Math.min(scale - 1, Math.floor((ts - Math.floor(ts)) * scale));
  return String(f).padStart(digits, '0');
}

const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

function binetflowLabel(r: FlowRecord): string {
  const proto = r.proto.toUpperCase();
  if (r.role === 'bot') return `flow=From-Botnet-V42-${proto}-${r.activity === 'CC-IRC' ? 'CC6-IRC' : r.activity === 'CC-HTTP' ? 'CC42-HTTP' : r.activity === 'SPAM' ? 'Attempt-SPAM' : r.activity === 'Scan' ? 'Attempt-Scan' : r.activity}`;
  if (r.role === 'normal') return `flow=From-Normal-V42-${proto}-${r.activity}`;
  return `flow=Background-${proto}-${r.activity}`;
}

function netflowLabel(r: FlowRecord): string {
  return r.role === 'bot' ? 'Botnet' : r.role === 'normal' ? 'LEGITIMATE' : 'Background';
}

function line(format: GeneratedFormat, r: FlowRecord): string {
  const total = r.srcBytes + r.dstBytes;
  switch (format) {
    case 'seed': {
      const port = (p: number): string => (p < 0 || r.proto === 'icmp' ? '' : String(p));
      return `${calendar(r.ts, '-')},${r.proto},${r.seedState},${r.src},${port(r.sport)},${r.dst},${port(r.dport)},${r.srcBytes},${r.dstBytes}`;
    }
    case 'binetflow': {
      const port = (p: number): string => (p < 0 ? '' : r.proto === 'icmp' ? hex4(p) : String(p));
      const dir = r.proto === 'udp' ? '  <->' : r.proto === 'arp' ? '  who' : '   ->';
      return `${calendar(r.ts, '/')}.${fraction(r.ts, 6)},${r.duration.toFixed(6)},${r.proto},${r.src},${port(r.sport)},${dir},${r.dst},${port(r.dport)},${r.argusState},0,${r.dstBytes > 0 ? 0 : ''},${r.packets},${total},${r.srcBytes},${binetflowLabel(r)}`;
    }
    case 'netflow-labeled': {
      const ep = (ip: string, p: number): string => (p < 0 || r.proto === 'icmp' || r.proto === 'arp' ? ip : ip.includes(':') ? `${ip}.${p}` : `${ip}:${p}`);
      return `${calendar(r.ts, '-')}.${fraction(r.ts, 3)} \t${r.duration.toFixed(3).padStart(9)} ${r.proto.toUpperCase()} \t${ep(r.src, r.sport).padStart(21)} -> \t${ep(r.dst, r.dport).padStart(21)} ${r.argusState.replace(/_.*$/, '_')} 0 \t${r.packets} ${total} 1 ${netflowLabel(r)}`;
    }
  }
}

/** Header line (when the format has one) then one line per flow, without line terminators. */
export function* generateFlows(options: GenerateOptions): Generator<string> {
  if (options.format === 'binetflow') yield BINETFLOW_HEADER;
  if (options.format === 'netflow-labeled') yield NETFLOW_LABELED_HEADER;
  for (const r of traffic({ ...options, transportOnly: options.format === 'seed' })) yield line(options.format, r);
}

/** The whole output as one string (newline-terminated lines). */
export function generateText(options: GenerateOptions): string {
  const parts: string[] = [];
  for (const l of generateFlows(options)) parts.push(l);
  return parts.length ? `${parts.join('\n')}\n` : '';
}

/**
 * The generated flows as a table, parsed from the generated text by the format's reader so the
 * table is exactly what reading the written file gives.
 */
export function generateTable(options: GenerateOptions, dicts: FlowDictionaries = createDictionaries()): FlowTable {
  const engine = new LineEngine({ format: options.format, dicts, chunkRows: 1 << 20, zone: timeZoneResolver('UTC'), columnMap: undefined, name: 'generated' });
  const enc = new TextEncoder();
  const parts: FlowTable[] = [];
  let batch: string[] = [];
  const flush = (): void => {
    if (batch.length) parts.push(...engine.push(enc.encode(`${batch.join('\n')}\n`)));
    batch = [];
  };
  for (const l of generateFlows(options)) {
    batch.push(l);
    if (batch.length >= 16384) flush();
  }
  flush();
  parts.push(...engine.end());
  return parts.length === 1 ? parts[0]! : concatTables(dicts, parts);
}
