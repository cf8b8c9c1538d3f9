/**
 * What the connected server's SQL dialect offers, from its version (read once per store instance).
 * Debian 12 ships 18.16, which lacks most of what modern servers have; the query builders write
 * the same results with older functions when a capability is missing.
 */

export interface Capabilities {
  version: string;
  major: number;
  minor: number;
  /** `{name:Type}` server-side query parameters (19.11+; 18.16 answers "Unknown setting param_p"). */
  queryParams: boolean;
  /** `quantileExactInclusive` (20.1+): numpy-linear quantiles in one aggregate. */
  quantileExactInclusive: boolean;
  /** DateTime64 and toUnixTimestamp64Nano (20.1+). */
  dateTime64: boolean;
  /** `WITH name AS (subquery)` common table expressions (20.10+). */
  cte: boolean;
  /** `toStartOfInterval` (19.x+). */
  toStartOfInterval: boolean;
  /** `IPv6StringToNumOrNull` (22.3+); older servers turn junk into zeros or throw. */
  ipStringOrNull: boolean;
}

function atLeast(major: number, minor: number, m: number, n: number): boolean {
  return major > m || (major === m && minor >= n);
}

/** Capabilities of a server reporting `version` (e.g. "18.16.1", "24.8.4.13"). */
export function capabilitiesOf(version: string): Capabilities {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!match) throw new Error(`unrecognised ClickHouse version string ${JSON.stringify(version)}`);
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return {
    version: version.trim(),
    major,
    minor,
    queryParams: atLeast(major, minor, 19, 11),
    quantileExactInclusive: atLeast(major, minor, 20, 1),
    dateTime64: atLeast(major, minor, 20, 1),
    cte: atLeast(major, minor, 20, 10),
    toStartOfInterval: atLeast(major, minor, 19, 1),
    ipStringOrNull: atLeast(major, minor, 22, 3),
  };
}
