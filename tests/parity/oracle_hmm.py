"""Oracle for the Gaussian HMM parity test: runs the real hmmlearn 0.3.3 GaussianHMM.

Reads a JSON file (path in argv[1]) with {"cases": [...]}; each case gives the observations X
(flat, T*d, with optional "lengths"), the initial parameters in Flowlens' flat layout, the
covariance type and the number of EM iterations. For each case it fits with init_params=''
and n_iter=1 repeatedly, so the parameters after EVERY iteration and the monitor's
log-likelihood of that iteration can be recorded, and it evaluates score() / decode() with the
initial parameters and with the final ones. Prints {"cases": [...]} as JSON (NaN -> null).
"""
import json
import logging
import math
import sys
import warnings

import numpy as np
from hmmlearn.hmm import GaussianHMM

logging.getLogger("hmmlearn").setLevel(logging.ERROR)
warnings.filterwarnings("ignore")


def to_hmmlearn_covars(flat, kind, n, d):
    a = np.asarray(flat, dtype=float)
    if kind == "spherical":
        return a.reshape(n)
    if kind == "diag":
        return a.reshape(n, d)
    return a.reshape(n, d, d)


def from_hmmlearn_covars(model, kind):
    c = np.asarray(model._covars_, dtype=float)
    if kind == "spherical":
        # After an M-step hmmlearn stores the spherical variance tiled over the features.
        return (c if c.ndim == 1 else c[:, 0]).ravel()
    return c.ravel()


def clean(values):
    return [None if (isinstance(v, float) and not math.isfinite(v)) else v for v in values]


def make_model(case, n, d, n_iter=1, tol=1e-2):
    kind = case["covariance_type"]
    # The convergence monitor copies n_iter and tol at construction, so they are set here.
    m = GaussianHMM(n_components=n, covariance_type=kind, init_params="", n_iter=n_iter, tol=tol)
    m.startprob_ = np.asarray(case["startprob"], dtype=float)
    m.transmat_ = np.asarray(case["transmat"], dtype=float).reshape(n, n)
    m.means_ = np.asarray(case["means"], dtype=float).reshape(n, d)
    m.covars_ = to_hmmlearn_covars(case["covars"], kind, n, d)
    m.n_features = d
    return m


def finite(v):
    v = float(v)
    return v if math.isfinite(v) else None


def evaluate(m, X, lengths):
    out = {}
    try:
        out["score"] = finite(m.score(X, lengths))
        lp, path = m.decode(X, lengths, algorithm="viterbi")
        out["decode_logprob"] = finite(lp)
        out["decode_path"] = [int(s) for s in path]
    except Exception as err:  # a degenerate model hmmlearn refuses to evaluate
        out["error"] = str(err)
    return out


def run(case):
    n = case["n_states"]
    d = case["d"]
    T = case["T"]
    X = np.asarray(case["X"], dtype=float).reshape(T, d)
    lengths = case.get("lengths")
    m = make_model(case, n, d)
    kind = case["covariance_type"]
    result = {"id": case["id"], "initial": evaluate(m, X, lengths), "iterations": []}
    if case.get("prefix_scores"):
        # log p(x_0..x_t) for every prefix: the conditional log-likelihoods are their differences.
        result["prefix_scores"] = [finite(m.score(X[: t + 1])) for t in range(T)]
    for _ in range(case["n_iter"]):
        try:
            m.fit(X, lengths)
        except Exception as err:
            result["fit_error"] = str(err)
            break
        result["iterations"].append({
            "logprob": finite(m.monitor_.history[-1]),
            "startprob": clean(m.startprob_.ravel().tolist()),
            "transmat": clean(m.transmat_.ravel().tolist()),
            "means": clean(m.means_.ravel().tolist()),
            "covars": clean(from_hmmlearn_covars(m, kind).tolist()),
        })
    if not result.get("fit_error"):
        result["final"] = evaluate(m, X, lengths)
    if case.get("monitor"):
        # One ordinary fit with hmmlearn's own stop rule, to compare the iteration count.
        full = make_model(case, n, d, case["monitor"]["n_iter"], case["monitor"]["tol"])
        full.fit(X, lengths)
        result["monitor"] = {
            "history": [finite(v) for v in full.monitor_.history],
            "iter": full.monitor_.iter,
            "startprob": clean(full.startprob_.ravel().tolist()),
            "transmat": clean(full.transmat_.ravel().tolist()),
            "means": clean(full.means_.ravel().tolist()),
            "covars": clean(from_hmmlearn_covars(full, kind).tolist()),
        }
    return result


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    out = {"cases": [run(c) for c in spec["cases"]]}
    json.dump(out, sys.stdout, allow_nan=False, default=float)


if __name__ == "__main__":
    main()
