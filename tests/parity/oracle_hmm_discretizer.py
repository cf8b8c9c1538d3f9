"""Oracle for the profile discretizer: numpy quantiles and pandas first-appearance vocabularies.

Input (JSON file, argv[1]): {"cases": [{"id", "features": [{"name", "kind", "bins"?}],
"reference": {name: [values]}, "query": {name: [values]}}]}; categorical values are strings,
numeric values numbers or null (missing). Output: per case the numeric edges and every query
flow's mixed-radix code, computed here from the definitions in semantics.md §2.2:
edges = np.quantile(reference values without missing, k/p), bin = number of edges <= x
(np.searchsorted side='right'; missing -> 0), vocabulary = pd.unique(reference), unseen -> len(vocab),
code = sum v_i * prod_{j>i} size_j.
"""
import json
import sys

import numpy as np
import pandas as pd


def run(case):
    n = len(next(iter(case["query"].values())))
    codes = np.zeros(n, dtype=np.int64)
    edges_out = {}
    for f in case["features"]:
        name = f["name"]
        ref = case["reference"][name]
        q = case["query"][name]
        if f["kind"] == "categorical":
            vocab = list(pd.unique(pd.Series(ref, dtype=object)))
            index = {v: i for i, v in enumerate(vocab)}
            size = len(vocab) + 1
            v = np.array([index.get(x, len(vocab)) for x in q], dtype=np.int64)
        else:
            p = f["bins"]
            values = np.array([x for x in ref if x is not None], dtype=float)
            edges = np.quantile(values, np.arange(1, p) / p)
            edges_out[name] = edges.tolist()
            size = p
            qv = np.array([np.nan if x is None else x for x in q], dtype=float)
            v = np.searchsorted(edges, qv, side="right")
            v[np.isnan(qv)] = 0
        codes = codes * size + v
    return {"id": case["id"], "edges": edges_out, "codes": codes.tolist()}


def main():
    with open(sys.argv[1]) as fh:
        spec = json.load(fh)
    json.dump({"cases": [run(c) for c in spec["cases"]]}, sys.stdout)


if __name__ == "__main__":
    main()
