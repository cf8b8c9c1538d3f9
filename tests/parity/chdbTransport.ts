/** A QueryTransport that runs SQL in chdb (tests/parity/chdb_engine.py) over a JSON-lines pipe. */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BoundSql } from '../../src/sources/clickhouse/binder.js';
import type { QueryOptions, QueryTransport, Row } from '../../src/sources/clickhouse/transport.js';

const SCRIPT = new URL('./chdb_engine.py', import.meta.url).pathname;

/** Why chdb cannot be used here, or null when `import chdb` works. */
export function chdbUnavailable(): string | null {
  const r = spawnSync('python3', ['-c', 'import chdb'], { encoding: 'utf8' });
  return r.status === 0 ? null : `chdb is not installed for python3 (pip install -r tests/parity/requirements.txt): ${(r.stderr || r.error?.message || '').split('\n').filter(Boolean).pop() ?? ''}`;
}

interface Answer {
  id: number;
  rows?: Row[];
  lines?: string[];
  ok?: boolean;
  error?: string;
}

export class ChdbTransport implements QueryTransport {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly dir = mkdtempSync(join(tmpdir(), 'flowlens-chdb-'));
  private readonly waiting = new Map<number, (a: Answer) => void>();
  private next = 0;
  /** Every SQL text sent, for assertions. */
  readonly sent: BoundSql[] = [];

  constructor() {
    this.proc = spawn('python3', [SCRIPT, join(this.dir, 'session')], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const a = JSON.parse(line) as Answer;
      this.waiting.get(a.id)?.(a);
      this.waiting.delete(a.id);
    });
  }

  private ask(op: 'rows' | 'lines' | 'command', sql: BoundSql, useParams: boolean): Promise<Answer> {
    const id = this.next++;
    this.sent.push(sql);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (a) => (a.error !== undefined ? reject(new Error(a.error)) : resolve(a)));
      this.proc.stdin.write(`${JSON.stringify({ id, op, sql: sql.text, params: useParams ? sql.params : {} })}\n`);
    });
  }

  async rows(sql: BoundSql, opts: QueryOptions): Promise<Row[]> {
    return (await this.ask('rows', sql, opts.useParams)).rows!;
  }

  async lines(sql: BoundSql, opts: QueryOptions, onLine: (line: string) => void): Promise<void> {
    for (const line of (await this.ask('lines', sql, opts.useParams)).lines!) onLine(line);
  }

  async command(sql: BoundSql, opts: Omit<QueryOptions, 'signal'>): Promise<void> {
    await this.ask('command', sql, opts.useParams);
  }

  /** Runs setup SQL (DDL, inserts) without parameters. */
  async exec(text: string): Promise<void> {
    await this.ask('command', { text, params: {} }, false);
  }

  async close(): Promise<void> {
    this.proc.stdin.end();
    await new Promise((resolve) => this.proc.once('exit', resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
