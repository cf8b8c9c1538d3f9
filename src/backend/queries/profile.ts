/**
 * `profile`: the trained model itself as table frames for inspection panels — states (start
 * probability, means and variances per window position), the transition matrix, the
 * discretizer's bins, and the training log-likelihood per EM iteration.
 */
import type { Profile } from '../../engine/profile/index.js';
import type { ProfileQuery } from '../../query/index.js';
import { float64Field, int64Field, stringField, type Field, type Frame } from '../grafana/frame.js';
import type { CallContext, DataQuery } from '../grafana/types.js';
import type { FlowlensInstance } from '../instance.js';
import { resolveProfile } from '../profiles.js';

const table = (name: string, fields: Field[], custom?: Record<string, unknown>): Frame => ({ name, meta: { type: 'table', ...(custom ? { custom } : {}) }, fields });
const ints = (n: number, f: (i: number) => number): BigInt64Array => BigInt64Array.from({ length: n }, (_, i) => BigInt(f(i)));
const floats = (n: number, f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));

/** Per-state variance at window position j, whatever the covariance type. */
function variance(p: Profile, s: number, j: number): number {
  const c = p.hmm.covars;
  switch (p.hmm.covarianceType) {
    case 'spherical':
      return (c as number[])[s]!;
    case 'diag':
      return (c as number[][])[s]![j]!;
    default:
      return (c as number[][][])[s]![j]![j]!;
  }
}

export function profileFrames(p: Profile, id: string): Frame[] {
  const n = p.hmm.nStates;
  const w = p.spec.window;
  const states = table(
    'states',
    [
      int64Field('state', ints(n, (s) => s)),
      float64Field('start probability', Float64Array.from(p.hmm.startprob)),
      ...Array.from({ length: w }, (_, j) => float64Field(`mean ${j + 1}`, floats(n, (s) => p.hmm.means[s]![j]!))),
      ...Array.from({ length: w }, (_, j) => float64Field(`variance ${j + 1}`, floats(n, (s) => variance(p, s, j)))),
    ],
    { profileId: id, covarianceType: p.hmm.covarianceType, referenceScores: p.training.referenceScores },
  );
  const transitions = table('transitions', [
    int64Field('from state', ints(n, (s) => s)),
    ...Array.from({ length: n }, (_, t) => float64Field(`to ${t}`, floats(n, (s) => p.hmm.transmat[s]![t]!))),
  ]);
  const feature: string[] = [];
  const code: number[] = [];
  const value: (string | null)[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  const bounded: number[] = [];
  for (const d of p.discretizer.features) {
    if (d.kind === 'categorical') {
      d.vocabulary.forEach((v, i) => {
        feature.push(d.name);
        code.push(i);
        value.push(v);
        lower.push(0);
        upper.push(0);
        bounded.push(0);
      });
      feature.push(d.name);
      code.push(d.vocabulary.length);
      value.push('(other)');
      lower.push(0);
      upper.push(0);
      bounded.push(0);
    } else {
      for (let i = 0; i < d.bins; i++) {
        feature.push(d.name);
        code.push(i);
        value.push(null);
        lower.push(i === 0 ? -Infinity : d.edges[i - 1]!);
        upper.push(i === d.bins - 1 ? Infinity : d.edges[i]!);
        bounded.push(1);
      }
    }
  }
  const valid = Uint8Array.from(bounded);
  const bins = table('bins', [
    stringField('feature', feature),
    int64Field('code', BigInt64Array.from(code, BigInt)),
    stringField('value', value, { nullable: true }),
    float64Field('from', Float64Array.from(lower), { nullable: true, valid }),
    float64Field('below', Float64Array.from(upper), { nullable: true, valid }),
  ]);
  const ll = p.training.logLikelihood;
  const training = table(
    'training',
    [int64Field('iteration', ints(ll.length, (i) => i + 1)), float64Field('log-likelihood', Float64Array.from(ll))],
    { converged: p.training.converged, windows: p.training.windows, flows: p.training.flows },
  );
  return [states, transitions, bins, training];
}

export async function profileQuery(q: ProfileQuery, dq: DataQuery, instance: FlowlensInstance, ctx: CallContext): Promise<Frame[]> {
  const { id, profile, notes } = await resolveProfile(instance, q, dq.timeRange, ctx);
  const frames = profileFrames(profile, id);
  if (notes.length) frames[0] = { ...frames[0]!, meta: { ...frames[0]!.meta, notices: notes.map((text) => ({ severity: 'info' as const, text })) } };
  return frames;
}
