"""Python peer of bench/hmm/run.ts: the same profile work with numpy/pandas and hmmlearn 0.3.3.

Input: a JSON file with flow columns (host, ts, proto, bytes), the reference host and the hosts to
score. Timed (perf_counter), excluding the JSON load:
- train: reference flows in time order, protocol vocabulary (pd.unique) + 5 equal-frequency byte
  bins (np.quantile), mixed-radix codes, sliding windows of 10, GaussianHMM(4, diag, n_iter=10)
  .fit (its own KMeans init), tol = 0 (stops early only if the log-likelihood drops), then the
  reference windows' score and decode (a Flowlens profile carries them for the verdict), as Flowlens;
- score: codes of all flows (vectorised), per host in time order: windows, model.score / windows.
Repeated (argv[2] times, default 3); prints the medians as {"train_s", "score_s", "windows", "scored", "iterations"}.
"""
import json
import logging
import sys
import time
import warnings

import numpy as np
import pandas as pd
from hmmlearn.hmm import GaussianHMM
from numpy.lib.stride_tricks import sliding_window_view

logging.getLogger("hmmlearn").setLevel(logging.ERROR)
warnings.filterwarnings("ignore")

W = 10
BINS = 5
# runs of the whole train + score; the medians are reported (the machine is shared)
REPEAT = int(sys.argv[2]) if len(sys.argv) > 2 else 3


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    host = np.asarray(data["host"], dtype=object)
    ts = np.asarray(data["ts"], dtype=float)
    proto = np.asarray(data["proto"], dtype=object)
    nbytes = np.asarray(data["bytes"], dtype=float)
    ref = data["reference"]
    others = data["others"]

    def run():
        t0 = time.perf_counter()
        ref_idx = np.flatnonzero(host == ref)
        ref_idx = ref_idx[np.argsort(ts[ref_idx], kind="stable")]
        vocab = pd.unique(proto[ref_idx])
        edges = np.quantile(nbytes[ref_idx], np.arange(1, BINS) / BINS)

        def encode(idx):
            p = pd.Categorical(proto[idx], categories=vocab).codes.astype(np.int64)
            p[p < 0] = len(vocab)
            return (p * BINS + np.searchsorted(edges, nbytes[idx], side="right")).astype(float)

        X = sliding_window_view(encode(ref_idx), W)
        model = GaussianHMM(n_components=4, covariance_type="diag", n_iter=10, tol=0.0, random_state=0)
        model.fit(X)
        # a Flowlens profile also holds the reference host's own scores (for the seed's verdict)
        ref_scores = (model.score(X), model.decode(X)[0])
        t1 = time.perf_counter()

        codes = encode(np.arange(len(host)))
        order = np.lexsort((np.arange(len(host)), ts, host.astype(str)))
        sorted_hosts = host[order]
        bounds = np.flatnonzero(sorted_hosts[1:] != sorted_hosts[:-1]) + 1
        starts = np.concatenate(([0], bounds))
        ends = np.concatenate((bounds, [len(order)]))
        wanted = set(others)
        scores = {}
        for s, e in zip(starts, ends):
            h = sorted_hosts[s]
            if h not in wanted or e - s < W:
                continue
            Xh = sliding_window_view(codes[order[s:e]], W)
            scores[h] = model.score(Xh) / len(Xh)
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1, X, model, scores

    runs = [run() for _ in range(REPEAT)]
    train_s = float(np.median([r[0] for r in runs]))
    score_s = float(np.median([r[1] for r in runs]))
    _, _, X, model, scores = runs[-1]
    json.dump({"train_s": train_s, "score_s": score_s, "windows": int(len(X)), "scored": len(scores), "iterations": int(model.monitor_.iter)}, sys.stdout)


if __name__ == "__main__":
    main()
