"""Reference for one Baum-Welch step at extended precision: the forward-backward of a Gaussian HMM
(diagonal covariance) in log space with numpy's longdouble (80-bit on x86-64, 64-bit mantissa),
then the start and transition probabilities of the M-step (priors 1, as hmmlearn's defaults).

On very long sequences whose log-likelihoods reach 1e7, the float64 log-space lattices of
hmmlearn lose digits in fwd + log A + log b + bwd − log P (terms of 1e7 summing to about 0); this
reference keeps 3 more decimal digits, so it tells which float64 implementation is closer to the
exact step.

Reads a case JSON as oracle_hmm.py does (argv[1], {"cases": [...]}, diag only) and prints
{"cases": [{"startprob": [...], "transmat": [...]}]}.
"""
import json
import sys

import numpy as np

L = np.longdouble


def logsumexp(a, axis=None):
    m = np.max(a, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True))
    return np.squeeze(out, axis=axis) if axis is not None else out.item()


def step(case):
    n, d, T = case["n_states"], case["d"], case["T"]
    X = np.asarray(case["X"], dtype=L).reshape(T, d)
    means = np.asarray(case["means"], dtype=L).reshape(n, d)
    covars = np.asarray(case["covars"], dtype=L).reshape(n, d)
    log_start = np.log(np.asarray(case["startprob"], dtype=L))
    log_a = np.log(np.asarray(case["transmat"], dtype=L).reshape(n, n))
    log_b = np.empty((T, n), dtype=L)
    two_pi = L(2) * L(np.pi)
    for s in range(n):
        diff = X - means[s]
        log_b[:, s] = -L(0.5) * (d * np.log(two_pi) + np.sum(np.log(covars[s])) + np.sum(diff * diff / covars[s], axis=1))
    fwd = np.empty((T, n), dtype=L)
    fwd[0] = log_start + log_b[0]
    for t in range(1, T):
        fwd[t] = logsumexp(fwd[t - 1][:, None] + log_a, axis=0) + log_b[t]
    bwd = np.empty((T, n), dtype=L)
    bwd[T - 1] = 0
    for t in range(T - 2, -1, -1):
        bwd[t] = logsumexp(log_a + (log_b[t + 1] + bwd[t + 1])[None, :], axis=1)
    log_p = logsumexp(fwd[T - 1], axis=0)
    gamma0 = np.exp(fwd[0] + bwd[0] - log_p)
    xi = np.zeros((n, n), dtype=L)
    for t in range(T - 1):
        xi += np.exp(fwd[t][:, None] + log_a + (log_b[t + 1] + bwd[t + 1])[None, :] - log_p)
    startprob = gamma0 / np.sum(gamma0)
    transmat = xi / np.sum(xi, axis=1, keepdims=True)
    return {"startprob": [float(v) for v in startprob], "transmat": [float(v) for v in transmat.ravel()]}


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)["cases"]
    print(json.dumps({"cases": [step(c) for c in cases]}))


if __name__ == "__main__":
    main()
