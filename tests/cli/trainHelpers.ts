/** Runs `flowlens` commands in-process and writes small binetflow files for CLI tests. */
import { PassThrough } from 'node:stream';
import { existsSync } from 'node:fs';
import { main } from '../../src/cli/main.js';
import { botsAndNormals } from '../engine/profile/fixture.js';

export async function runCli(args: string[], cwd = process.cwd()): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  out.on('data', (c: Buffer) => o.push(c));
  err.on('data', (c: Buffer) => e.push(c));
  const code = await main(args, { stdout: out, stderr: err, env: {}, cwd });
  return { code, stdout: Buffer.concat(o).toString('utf8'), stderr: Buffer.concat(e).toString('utf8') };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function argusTime(epoch: number): string {
  const d = new Date(Math.floor(epoch) * 1000);
  const us = Math.round((epoch - Math.floor(epoch)) * 1e6);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(us, 6)}`;
}

/** Argus binetflow text of generated bots (label From-Botnet) and normal hosts (From-Normal). */
export function binetflowText(seed: number, bots: number, normals: number, n: number): { text: string; bots: string[]; normals: string[] } {
  const g = botsAndNormals(seed, bots, normals, n);
  const rows = [...g.rows].sort((a, b) => a.ts - b.ts);
  const lines = ['StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label'];
  for (const r of rows) {
    lines.push(`${argusTime(1313481600 + r.ts)},0.001,${r.proto},${r.src},40000,  <->,192.0.2.1,80,CON,0,0,2,${r.bytes},${Math.floor(r.bytes / 2)},${r.label}`);
  }
  return { text: `${lines.join('\n')}\n`, bots: g.bots, normals: g.normals };
}

export const sharedData = process.env.FLOWLENS_SHARED_DATA ?? (existsSync('/work/shared/data') ? '/work/shared/data' : '');

export function parseCsv(text: string): string[][] {
  return text.split('\n').filter((l) => l !== '').map((l) => l.split(','));
}
