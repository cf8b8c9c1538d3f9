/**
 * Per-reason counters of skipped lines. Reasons are short stable identifiers (the CLI prints them
 * and tests assert them); the first few line numbers are kept so a user can open the file there.
 */
export type SkipReasonId =
  | 'wrong-field-count'
  | 'bad-timestamp'
  | 'bad-ip'
  | 'bad-port'
  | 'bad-protocol'
  | 'bad-number'
  | 'binary'
  | 'line-too-long'
  /** The input's last line has no newline and does not parse: a file still being written, or cut. */
  | 'unfinished-last-line';

export interface SkipReason {
  count: number;
  /** 1-based line numbers of the first `MAX_LINES_KEPT` lines skipped for this reason. */
  firstLines: number[];
}

export const MAX_LINES_KEPT = 10;

export class SkipCounter {
  readonly byReason: Record<string, SkipReason> = {};
  total = 0;

  add(reason: SkipReasonId, line: number): void {
    let r = this.byReason[reason];
    if (!r) {
      r = { count: 0, firstLines: [] };
      this.byReason[reason] = r;
    }
    r.count++;
    if (r.firstLines.length < MAX_LINES_KEPT) r.firstLines.push(line);
    this.total++;
  }

  snapshot(): Record<string, SkipReason> {
    const out: Record<string, SkipReason> = {};
    for (const [k, v] of Object.entries(this.byReason)) out[k] = { count: v.count, firstLines: [...v.firstLines] };
    return out;
  }

  /** "bad-ip 3 (lines 4, 9, 12), …" for error messages. */
  describe(): string {
    return Object.entries(this.byReason)
      .map(([k, v]) => `${k} ${v.count} (line${v.firstLines.length > 1 ? 's' : ''} ${v.firstLines.join(', ')})`)
      .join('; ');
  }
}
