/**
 * Puts the shared model's validation errors next to the fields they are about. Errors carry a dotted
 * path (`filter.srcCidrs[1]`, `profile.states`); a field shows every error at or under its path.
 */
import type { FieldError } from '../query/index.js';

function isUnder(field: string, path: string): boolean {
  return field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`);
}

/** The messages for one field (and its children), joined; undefined when the field is fine. */
export function errorFor(errors: readonly FieldError[], ...paths: string[]): string | undefined {
  const messages = errors.filter((e) => paths.some((p) => isUnder(e.field, p))).map((e) => e.message);
  return messages.length ? messages.join(' ') : undefined;
}

/** The errors at or under one path. */
export function errorsUnder(errors: readonly FieldError[], path: string): FieldError[] {
  return errors.filter((e) => isUnder(e.field, path));
}

/** Errors none of the given paths claim, so the editor can still show them somewhere. */
export function unclaimed(errors: readonly FieldError[], paths: readonly string[]): FieldError[] {
  return errors.filter((e) => !paths.some((p) => isUnder(e.field, p)));
}

/** Props for an InlineField/Field: `invalid` and `error` together. */
export function fieldState(errors: readonly FieldError[], ...paths: string[]): { invalid: boolean; error?: string } {
  const error = errorFor(errors, ...paths);
  return error ? { invalid: true, error } : { invalid: false };
}

const VARIABLE = /\$\{?\w|\[\[\w/;

function valueAt(root: unknown, path: string): unknown {
  return path
    .split(/\.|\[(\d+)\]/)
    .filter((k) => k !== undefined && k !== '')
    .reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), root);
}

/**
 * Errors about a text that holds a dashboard variable ($host, ${net}, [[x]]): the data source
 * replaces it before the query runs, so the editor cannot judge it (the backend still refuses a
 * variable left as is, e.g. in an alert rule).
 */
export function withoutVariableErrors(query: unknown, errors: readonly FieldError[]): FieldError[] {
  return errors.filter((e) => {
    const v = valueAt(query, e.field);
    return !(typeof v === 'string' && VARIABLE.test(v));
  });
}

/** Label width (in Grafana's 8px units) of the first column in every query editor row. */
export const LABEL_WIDTH = 17;
