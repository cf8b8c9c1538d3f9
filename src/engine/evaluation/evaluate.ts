/**
 * Evaluating host scores against ground truth (issue 3, "Evaluation"): per-host confusion counts
 * for the seed's verdict ("like the profile" = flagged as infected, since profiles are trained on
 * a bot), the ROC AUC of the score ranking (ties count ½), and per time bucket whether every
 * infected host outranks every normal host. Hosts without a score take part in neither the AUC
 * nor the confusion counts; they are listed with an empty outcome.
 */
import type { FlowTable } from '../flowTable.js';
import type { HostScore } from '../scoring/hostScores.js';
import type { HostSeries } from '../scoring/series.js';

export type Truth = 'infected' | 'normal';
export type Outcome = 'TP' | 'FP' | 'TN' | 'FN';

/**
 * What a CTU-13 label says about the flow's source: 2 infected, 1 normal, 0 nothing. Argus labels
 * name a direction: `flow=From-Botnet-…` / `flow=From-Normal-…` describe the source, while
 * `flow=To-Normal-…` (a flow to the NTP server of a normal host) describes the destination and a
 * bare `flow=Normal-…` neither, so both say nothing. netflow-labeled files label the flow as a
 * whole: `Botnet`, `LEGITIMATE` (or `Normal`).
 */
export function labelKind(label: string): 0 | 1 | 2 {
  const l = label.trim().toLowerCase();
  if (l.startsWith('flow=')) {
    const rest = l.slice(5);
    return rest.startsWith('from-botnet') ? 2 : rest.startsWith('from-normal') ? 1 : 0;
  }
  return l === 'botnet' ? 2 : l === 'legitimate' || l === 'normal' ? 1 : 0;
}

/**
 * CTU-13 labels of source hosts: infected when one of its flows as source is labelled as coming
 * from a bot (`labelKind`), otherwise normal when one is labelled as coming from a normal host.
 * Hosts with only other labels (Background, `To-…`) are unlabeled and absent from the map.
 */
export function labelsFromTable(table: FlowTable): Map<string, Truth> {
  const out = new Map<string, Truth>();
  const label = table.label;
  if (!label) return out;
  const dict = table.dicts.label;
  const kind = new Int8Array(dict.size);
  dict.values.forEach((v, i) => {
    kind[i] = labelKind(v);
  });
  const best = new Map<number, number>();
  for (let i = 0; i < table.length; i++) {
    const c = label[i]!;
    if (c < 0 || kind[c] === 0) continue;
    const h = table.srcIp[i]!;
    if ((best.get(h) ?? 0) < kind[c]!) best.set(h, kind[c]!);
  }
  for (const [h, k] of best) out.set(table.dicts.ip.value(h), k === 2 ? 'infected' : 'normal');
  return out;
}

/** Ground truth from address lists; an address in both lists is an error the caller reports. */
export function truthFromLists(infected: readonly string[], normal: readonly string[]): Map<string, Truth> {
  const out = new Map<string, Truth>();
  for (const h of infected) out.set(h.trim().toLowerCase(), 'infected');
  for (const h of normal) {
    const k = h.trim().toLowerCase();
    if (out.get(k) === 'infected') throw new RangeError(`${h} is listed both as infected and as normal`);
    out.set(k, 'normal');
  }
  return out;
}

/** P(score of a random positive > score of a random negative), ties ½; null without both classes. */
export function rocAuc(positive: readonly number[], negative: readonly number[]): number | null {
  if (positive.length === 0 || negative.length === 0) return null;
  let wins = 0;
  for (const p of positive) for (const n of negative) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positive.length * negative.length);
}

export interface HostOutcome extends HostScore {
  truth: Truth;
  outcome: Outcome | null;
}

export interface Evaluation {
  hosts: HostOutcome[];
  confusion: Record<Outcome, number>;
  auc: number | null;
}

/** Labeled hosts only, in score order; truth entries without a score row are added as unscored. */
export function evaluateScores(scores: readonly HostScore[], truth: ReadonlyMap<string, Truth>): Evaluation {
  const confusion: Record<Outcome, number> = { TP: 0, FP: 0, TN: 0, FN: 0 };
  const hosts: HostOutcome[] = [];
  const seen = new Set<string>();
  const pos: number[] = [];
  const neg: number[] = [];
  for (const s of scores) {
    const t = truth.get(s.host);
    if (!t) continue;
    seen.add(s.host);
    let outcome: Outcome | null = null;
    if (s.verdict !== null) {
      const flagged = s.verdict === 'like the profile';
      outcome = t === 'infected' ? (flagged ? 'TP' : 'FN') : flagged ? 'FP' : 'TN';
      confusion[outcome]++;
    }
    if (s.score !== null) (t === 'infected' ? pos : neg).push(s.score);
    hosts.push({ ...s, truth: t, outcome });
  }
  for (const [host, t] of truth) {
    if (seen.has(host)) continue;
    hosts.push({ host, score: null, windows: 0, flows: 0, verdict: null, reason: 'no flows with this host as source', truth: t, outcome: null });
  }
  return { hosts, confusion, auc: rocAuc(pos, neg) };
}

export interface BucketSeparation {
  /** Buckets in which at least one infected and one normal host have a value. */
  buckets: number;
  /** Of those, buckets where every infected host's value is above every normal host's. */
  separated: number;
  /** separated / buckets (null when no bucket qualifies). */
  share: number | null;
}

export function bucketSeparation(series: readonly HostSeries[], truth: ReadonlyMap<string, Truth>): BucketSeparation {
  const perBucket = new Map<number, { minInfected: number; maxNormal: number }>();
  for (const s of series) {
    const t = truth.get(s.host);
    if (!t) continue;
    for (let i = 0; i < s.time.length; i++) {
      const b = perBucket.get(s.time[i]!) ?? { minInfected: Infinity, maxNormal: -Infinity };
      const v = s.value[i]!;
      if (t === 'infected') b.minInfected = Math.min(b.minInfected, v);
      else b.maxNormal = Math.max(b.maxNormal, v);
      perBucket.set(s.time[i]!, b);
    }
  }
  let buckets = 0;
  let separated = 0;
  for (const b of perBucket.values()) {
    if (b.minInfected === Infinity || b.maxNormal === -Infinity) continue;
    buckets++;
    if (b.minInfected > b.maxNormal) separated++;
  }
  return { buckets, separated, share: buckets ? separated / buckets : null };
}
