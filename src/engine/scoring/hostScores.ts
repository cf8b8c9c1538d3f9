/**
 * How well a profile explains each host (semantics.md §2.5): every source host's flows are
 * discretized with the profile's discretizer, cut into sliding windows, and scored by the HMM:
 * - `viterbi`: log-probability of the best state path (the seed's score; grows with windows);
 * - `loglik`: forward log-likelihood log p(X);
 * - `mean` (default): log p(X) / windows, comparable across hosts with more or less traffic.
 * A host with fewer flows than the window has no score (null) and a reason.
 */
import { PreparedHmm } from '../hmm/model.js';
import type { FlowTable } from '../flowTable.js';
import { encodeFlows } from '../discretize/discretizer.js';
import { slidingWindows } from '../hmm/types.js';
import { groupBySource, type TimeRange } from '../profile/hostFlows.js';
import { hostSlot } from '../profile/train.js';
import { profileModel, type Profile, type ScoreMethod } from '../profile/types.js';
import { runSteps, type Steps } from '../steps.js';
import { verdictOf, type Verdict } from './verdict.js';

export interface HostScore {
  host: string;
  score: number | null;
  windows: number;
  flows: number;
  verdict: Verdict | null;
  /** Why `score` is null. */
  reason?: string;
}

export interface ScoreOptions {
  method?: ScoreMethod;
  /** Only these hosts (addresses); default every host that is a source in the table. */
  hosts?: readonly string[];
  range?: TimeRange;
}

/** Highest score first; hosts without a score last (by address); ties by address. */
export function compareScores(a: HostScore, b: HostScore): number {
  if (a.score === null || b.score === null) {
    if (a.score !== b.score) return a.score === null ? 1 : -1;
  } else if (a.score !== b.score) {
    return b.score - a.score;
  }
  return a.host < b.host ? -1 : a.host > b.host ? 1 : 0;
}

export function scoreHosts(table: FlowTable, profile: Profile, opts: ScoreOptions = {}): HostScore[] {
  return runSteps(scoreHostsSteps(table, profile, opts));
}

/** `scoreHosts` as steps: a pause point per scored host. */
export function* scoreHostsSteps(table: FlowTable, profile: Profile, opts: ScoreOptions = {}): Steps<HostScore[]> {
  const method = opts.method ?? 'mean';
  const w = profile.spec.window;
  const g = groupBySource(table, opts.range);
  // each pass over millions of rows is a step of its own (a server gives other requests a turn)
  yield;
  // Every flow's code at once, aligned with g.rows: a host's codes are then a zero-copy slice.
  const codes = encodeFlows(profile.discretizer, table, g.rows);
  yield;
  const model = new PreparedHmm(profileModel(profile));
  const ref = profile.training.referenceScores[method];
  const slots: { host: string; slot: number }[] = opts.hosts
    ? opts.hosts.map((host) => ({ host, slot: hostSlot(table, g, host) }))
    : Array.from(g.hosts, (code, slot) => ({ host: table.dicts.ip.value(code), slot }));
  const out: HostScore[] = [];
  for (const { host, slot } of slots) {
    if (slot < 0) {
      out.push({ host, score: null, windows: 0, flows: 0, verdict: null, reason: 'no flows with this host as source' });
      continue;
    }
    const flows = g.start[slot + 1]! - g.start[slot]!;
    if (flows < w) {
      out.push({ host, score: null, windows: 0, flows, verdict: null, reason: `${flows} flow${flows === 1 ? '' : 's'} as source, fewer than the window of ${w}` });
      continue;
    }
    yield;
    const x = slidingWindows(codes.subarray(g.start[slot]!, g.start[slot + 1]!), w);
    const score = method === 'viterbi' ? model.decode(x).logProb : method === 'loglik' ? model.score(x) : model.score(x) / x.length;
    out.push({ host, score, windows: x.length, flows, verdict: verdictOf(score, ref) });
  }
  return out.sort(compareScores);
}
