/**
 * Forward, backward, posterior, transition-posterior and Viterbi passes in log space, with the
 * same recurrences (and Viterbi tie-breaking) as hmmlearn 0.3.3's `_hmmc` module.
 *
 * Speed: instead of nc² exponentials per step (one log-sum-exp per target state), each step
 * exponentiates the nc previous values once relative to their maximum and sums them against the
 * linear transition matrix. That is the same quantity up to rounding; when such a sum would
 * underflow (< 1e-280) the entry is recomputed with a full log-sum-exp, so extreme data gives
 * the exact log-space result instead of −∞.
 */

const NEG_INF = -Infinity;
const UNDERFLOW = 1e-280;

/** Transition matrix in both forms, precomputed once per parameter set. */
export interface Transitions {
  n: number;
  linear: Float64Array;
  log: Float64Array;
  logStart: Float64Array;
}

export function transitions(startprob: Float64Array, transmat: Float64Array): Transitions {
  const n = startprob.length;
  const log = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) log[i] = Math.log(transmat[i]!);
  const logStart = new Float64Array(n);
  for (let i = 0; i < n; i++) logStart[i] = Math.log(startprob[i]!);
  return { n, linear: transmat, log, logStart };
}

/** log Σ exp(v[off…off+n)) with hmmlearn's convention: an infinite maximum is returned as is. */
export function logSumExp(v: Float64Array, off: number, n: number): number {
  let max = NEG_INF;
  for (let i = 0; i < n; i++) if (v[off + i]! > max) max = v[off + i]!;
  if (max === Infinity || max === NEG_INF) return max;
  let acc = 0;
  for (let i = 0; i < n; i++) acc += Math.exp(v[off + i]! - max);
  return Math.log(acc) + max;
}

/**
 * Forward lattice `fwd[t·n + j] = log p(x_0…x_t, z_t = j)` over `T` frames of `frame`
 * (T×n log-densities). Returns log p(x_0…x_{T−1}).
 */
export function forward(tr: Transitions, frame: Float64Array, T: number, fwd: Float64Array, scratch: Float64Array): number {
  const n = tr.n;
  if (T === 0) return 0;
  for (let i = 0; i < n; i++) fwd[i] = tr.logStart[i]! + frame[i]!;
  const p = scratch;
  for (let t = 1; t < T; t++) {
    const prev = (t - 1) * n;
    const cur = t * n;
    let m = NEG_INF;
    for (let i = 0; i < n; i++) if (fwd[prev + i]! > m) m = fwd[prev + i]!;
    if (m === NEG_INF) {
      for (let j = 0; j < n; j++) fwd[cur + j] = NEG_INF;
      continue;
    }
    for (let i = 0; i < n; i++) p[i] = Math.exp(fwd[prev + i]! - m);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += p[i]! * tr.linear[i * n + j]!;
      fwd[cur + j] = (s > UNDERFLOW ? m + Math.log(s) : exactIn(tr, fwd, prev, j, p, n)) + frame[cur + j]!;
    }
  }
  return logSumExp(fwd, (T - 1) * n, n);
}

/** log Σ_i exp(fwd[prev+i] + logA[i][j]) the slow, exact way (scratch `buf` is overwritten). */
function exactIn(tr: Transitions, fwd: Float64Array, prev: number, j: number, buf: Float64Array, n: number): number {
  const keep = buf.slice(0, n);
  for (let i = 0; i < n; i++) buf[i] = fwd[prev + i]! + tr.log[i * n + j]!;
  const r = logSumExp(buf, 0, n);
  buf.set(keep);
  return r;
}

/** Backward lattice `bwd[t·n + i] = log p(x_{t+1}… | z_t = i)`. */
export function backward(tr: Transitions, frame: Float64Array, T: number, bwd: Float64Array, scratch: Float64Array): void {
  const n = tr.n;
  if (T === 0) return;
  for (let i = 0; i < n; i++) bwd[(T - 1) * n + i] = 0;
  const r = scratch;
  for (let t = T - 2; t >= 0; t--) {
    const nxt = (t + 1) * n;
    let m = NEG_INF;
    for (let j = 0; j < n; j++) {
      const q = frame[nxt + j]! + bwd[nxt + j]!;
      if (q > m) m = q;
    }
    if (m === NEG_INF) {
      for (let i = 0; i < n; i++) bwd[t * n + i] = NEG_INF;
      continue;
    }
    for (let j = 0; j < n; j++) r[j] = Math.exp(frame[nxt + j]! + bwd[nxt + j]! - m);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += tr.linear[i * n + j]! * r[j]!;
      if (s > UNDERFLOW) {
        bwd[t * n + i] = m + Math.log(s);
      } else {
        const buf = new Float64Array(n);
        for (let j = 0; j < n; j++) buf[j] = tr.log[i * n + j]! + frame[nxt + j]! + bwd[nxt + j]!;
        bwd[t * n + i] = logSumExp(buf, 0, n);
      }
    }
  }
}

/**
 * State posteriors of frames 0…T−1 into `out` (T×n) (hmmlearn: log-normalise fwd+bwd, then exp).
 * A frame the model gives zero probability under every state (only possible with degenerate
 * parameters) gets the uniform posterior instead of NaN.
 */
export function posteriors(fwd: Float64Array, bwd: Float64Array, T: number, n: number, out: Float64Array): void {
  for (let t = 0; t < T; t++) {
    const off = t * n;
    let m = NEG_INF;
    for (let i = 0; i < n; i++) {
      const v = fwd[off + i]! + bwd[off + i]!;
      out[off + i] = v;
      if (v > m) m = v;
    }
    if (n === 1) {
      out[off] = 1;
      continue;
    }
    if (m === NEG_INF || m === Infinity || Number.isNaN(m)) {
      out.fill(1 / n, off, off + n);
      continue;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(out[off + i]! - m);
    const lse = m + Math.log(sum);
    for (let i = 0; i < n; i++) out[off + i] = Math.exp(out[off + i]! - lse);
  }
}

/**
 * Adds Σ_t ξ_t(i, j) (expected transition counts) into `out` (n×n, linear), as hmmlearn's
 * `compute_log_xi_sum` followed by exp: ξ_t(i,j) = exp(fwd_t(i) + log A_ij + frame_{t+1}(j) +
 * bwd_{t+1}(j) − log p(X)).
 */
export function addXiSum(tr: Transitions, frame: Float64Array, fwd: Float64Array, bwd: Float64Array, T: number, logProb: number, out: Float64Array): void {
  const n = tr.n;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let t = 0; t < T - 1; t++) {
    const cur = t * n;
    const nxt = cur + n;
    let mf = NEG_INF;
    let mq = NEG_INF;
    for (let i = 0; i < n; i++) if (fwd[cur + i]! > mf) mf = fwd[cur + i]!;
    for (let j = 0; j < n; j++) {
      const q = frame[nxt + j]! + bwd[nxt + j]!;
      b[j] = q;
      if (q > mq) mq = q;
    }
    if (mf === NEG_INF || mq === NEG_INF) continue;
    const scale = Math.exp(mf + mq - logProb);
    if (!(scale < 1e280) || !(scale > 1e-280)) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          out[i * n + j]! += Math.exp(fwd[cur + i]! + tr.log[i * n + j]! + b[j]! - logProb);
        }
      }
      continue;
    }
    for (let i = 0; i < n; i++) a[i] = Math.exp(fwd[cur + i]! - mf) * scale;
    for (let j = 0; j < n; j++) b[j] = Math.exp(b[j]! - mq);
    for (let i = 0; i < n; i++) {
      const ai = a[i]!;
      if (ai === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j]! += ai * tr.linear[i * n + j]! * b[j]!;
    }
  }
}

/**
 * Most likely state path and its log-probability (hmmlearn `_hmmc.viterbi`): the last state is
 * the first maximum; when backtracking, ties go to the highest state index, as hmmlearn's
 * `std::max` over (value, index) pairs does.
 */
export function viterbi(tr: Transitions, frame: Float64Array, T: number): { logProb: number; path: Int32Array } {
  const n = tr.n;
  const path = new Int32Array(T);
  if (T === 0) return { logProb: 0, path };
  const v = new Float64Array(T * n);
  for (let i = 0; i < n; i++) v[i] = tr.logStart[i]! + frame[i]!;
  for (let t = 1; t < T; t++) {
    const prev = (t - 1) * n;
    for (let i = 0; i < n; i++) {
      let max = NEG_INF;
      for (let j = 0; j < n; j++) {
        const c = v[prev + j]! + tr.log[j * n + i]!;
        if (c > max) max = c;
      }
      v[t * n + i] = max + frame[t * n + i]!;
    }
  }
  const last = (T - 1) * n;
  let best = 0;
  for (let i = 1; i < n; i++) if (v[last + i]! > v[last + best]!) best = i;
  const logProb = v[last + best]!;
  path[T - 1] = best;
  let prevState = best;
  for (let t = T - 2; t >= 0; t--) {
    let bv = NEG_INF;
    let bi = 0;
    for (let i = 0; i < n; i++) {
      const c = v[t * n + i]! + tr.log[i * n + prevState]!;
      if (c > bv || (c === bv && i > bi)) {
        bv = c;
        bi = i;
      }
    }
    path[t] = bi;
    prevState = bi;
  }
  return { logProb, path };
}
