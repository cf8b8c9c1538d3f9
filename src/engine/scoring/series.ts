/**
 * Per-host score time series (semantics.md §2.5): the forward pass runs over the host's whole
 * window sequence; each window contributes its conditional log-likelihood log p(x_t | x_<t),
 * stamped with the time of its last flow; a bucket's value is the mean over the windows ending in
 * it. Buckets are aligned to the epoch (floor(ts / bucket) · bucket); empty buckets are absent.
 */
import { PreparedHmm } from '../hmm/model.js';
import type { FlowTable } from '../flowTable.js';
import { encodeFlows } from '../discretize/discretizer.js';
import { slidingWindows } from '../hmm/types.js';
import { groupBySource, hostRows, type TimeRange } from '../profile/hostFlows.js';
import { hostSlot } from '../profile/train.js';
import { profileModel, type Profile } from '../profile/types.js';
import { runSteps, type Steps } from '../steps.js';

export interface HostSeries {
  host: string;
  /** Bucket starts, epoch seconds, ascending. */
  time: Float64Array;
  value: Float64Array;
}

export interface SeriesOptions {
  hosts?: readonly string[];
  range?: TimeRange;
}

/** Hosts with fewer flows than the window have no windows and so no series (left out). */
export function scoreHostSeries(table: FlowTable, profile: Profile, bucketSeconds: number, opts: SeriesOptions = {}): HostSeries[] {
  return runSteps(scoreHostSeriesSteps(table, profile, bucketSeconds, opts));
}

/** `scoreHostSeries` as steps: a pause point per host. */
export function* scoreHostSeriesSteps(table: FlowTable, profile: Profile, bucketSeconds: number, opts: SeriesOptions = {}): Steps<HostSeries[]> {
  if (!(bucketSeconds > 0)) throw new RangeError(`bucket must be a positive number of seconds, got ${bucketSeconds}`);
  const w = profile.spec.window;
  const g = groupBySource(table, opts.range);
  yield;
  const codes = encodeFlows(profile.discretizer, table, g.rows);
  yield;
  const model = new PreparedHmm(profileModel(profile));
  const slots = opts.hosts
    ? opts.hosts.map((host) => ({ host, slot: hostSlot(table, g, host) }))
    : Array.from(g.hosts, (code, slot) => ({ host: table.dicts.ip.value(code), slot }));
  const out: HostSeries[] = [];
  for (const { host, slot } of slots) {
    if (slot < 0) continue;
    const rows = hostRows(g, slot);
    if (rows.length < w) continue;
    yield;
    const x = slidingWindows(codes.subarray(g.start[slot]!, g.start[slot + 1]!), w);
    const cond = model.conditional(x);
    const times: number[] = [];
    const values: number[] = [];
    let bucket = NaN;
    let sum = 0;
    let count = 0;
    for (let t = 0; t < x.length; t++) {
      const b = Math.floor(table.ts[rows[t + w - 1]!]! / bucketSeconds) * bucketSeconds;
      if (b !== bucket) {
        if (count > 0) {
          times.push(bucket);
          values.push(sum / count);
        }
        bucket = b;
        sum = 0;
        count = 0;
      }
      sum += cond[t]!;
      count++;
    }
    if (count > 0) {
      times.push(bucket);
      values.push(sum / count);
    }
    out.push({ host, time: Float64Array.from(times), value: Float64Array.from(values) });
  }
  return out;
}
