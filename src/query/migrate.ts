/**
 * Upgrades saved queries to the current schema. Pure and idempotent: a current query comes back
 * unchanged, so the editor and the backend can both call it on every load.
 *
 * Schema 0 (the pre-release editor, no `schemaVersion`) differed as follows:
 * - `queryType` could be absent (meant `features`) or spelled `scores` (now `hostScores`);
 * - `window` held the window as a number of seconds or a duration text like "10s" / "1m";
 * - `features` could be one comma-separated string;
 * - host scores named the reference host `referenceHost` (one string) and the method `scoreMethod`;
 * - filters were flat strings: `srcCidr`, `dstCidr` (comma-separated), `protocol`.
 */
import { QUERY_SCHEMA_VERSION } from './types.js';

type Json = Record<string, unknown>;

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** "10s" → 10, "1m" → 60, 15 → 15; NaN when unreadable. */
export function parseDurationSeconds(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return NaN;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(v);
  if (!m) return NaN;
  return Number(m[1]) * DURATION_UNITS[m[2] ?? 's']!;
}

const splitList = (v: unknown): string[] | undefined =>
  typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;

export function migrateQuery<T extends Json>(raw: T): T {
  if (typeof raw !== 'object' || raw === null) return raw;
  const version = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0;
  if (version >= QUERY_SCHEMA_VERSION) return raw;
  const q: Json = { ...raw };

  if (q.queryType === undefined || q.queryType === '') q.queryType = 'features';
  if (q.queryType === 'scores') q.queryType = 'hostScores';

  if (q.window !== undefined && q.windowSeconds === undefined && q.queryType === 'features') {
    q.windowSeconds = parseDurationSeconds(q.window);
    delete q.window;
  }
  if (typeof q.features === 'string') q.features = splitList(q.features);

  if (q.queryType === 'hostScores' || q.queryType === 'profile') {
    const profile: Json = typeof q.profile === 'object' && q.profile !== null ? { ...(q.profile as Json) } : {};
    if (typeof q.referenceHost === 'string' && profile.hosts === undefined) profile.hosts = splitList(q.referenceHost);
    delete q.referenceHost;
    q.profile = profile;
    if (q.scoreMethod !== undefined && q.method === undefined) q.method = q.scoreMethod;
    delete q.scoreMethod;
  }

  const filter: Json = typeof q.filter === 'object' && q.filter !== null ? { ...(q.filter as Json) } : {};
  let filterTouched = false;
  for (const [old, now] of [['srcCidr', 'srcCidrs'], ['dstCidr', 'dstCidrs'], ['protocol', 'protocols']] as const) {
    if (q[old] !== undefined) {
      const list = splitList(q[old]);
      if (list && list.length) filter[now] = list;
      delete q[old];
      filterTouched = true;
    }
  }
  if (filterTouched) q.filter = filter;

  q.schemaVersion = QUERY_SCHEMA_VERSION;
  return q as T;
}
