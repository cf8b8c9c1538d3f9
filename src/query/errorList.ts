/**
 * Validation problems, at most MAX_ERRORS kept: hostile or generated input (200,000 bad ports, a
 * million unknown keys) must give a short 400, not a message of megabytes or a stack overflow from
 * spreading a huge list into `push`.
 */
import type { FieldError } from './filter.js';

export const MAX_ERRORS = 20;
/** The field of the line that counts the problems left out. */
const SUMMARY_FIELD = 'query';

export class ErrorList {
  private readonly kept: FieldError[] = [];
  private dropped = 0;

  push(e: FieldError): void {
    if (this.kept.length < MAX_ERRORS) this.kept.push(e);
    else this.dropped++;
  }

  /** Whether further problems are only counted (so a caller can skip building their messages). */
  get full(): boolean {
    return this.kept.length >= MAX_ERRORS;
  }

  /** Another validator's list (itself capped): its problems, and the ones it only counted. */
  absorb(list: readonly FieldError[]): void {
    for (const e of list) {
      const more = e.field === SUMMARY_FIELD ? /^…and (\d+) more/.exec(e.message) : null;
      if (more) this.dropped += Number(more[1]);
      else this.push(e);
    }
  }

  /** Counts a problem without its message. */
  skip(): void {
    this.dropped++;
  }

  get length(): number {
    return this.kept.length + this.dropped;
  }

  /** The problems kept, and one line saying how many more there were. */
  list(): FieldError[] {
    if (this.dropped === 0) return this.kept;
    return [...this.kept, { field: SUMMARY_FIELD, message: `…and ${this.dropped} more problem${this.dropped === 1 ? '' : 's'} (only the first ${MAX_ERRORS} are listed).` }];
  }
}
