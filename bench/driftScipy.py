"""The drift bench's baseline: the same four statistics per feature as bench/drift.ts, in numpy/scipy,
on the same data (raw float64 dumps, feature-major, that bench/drift.ts writes beside the Parquet).

Each statistic as Evidently computes it (evidently src/evidently/legacy/calculations/stattests):
  ks            scipy.stats.ks_2samp(ref, cur)  (ks_stattest.py; method="auto")
  wasserstein   scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)  (wasserstein_distance_norm.py)
  jensenshannon distance.jensenshannon(ref_shares, cur_shares) on get_binned_data's Sturges bins (jensenshannon.py, utils.py)
  psi           sum((ref - cur) * ln(ref / cur)) on the same bins with feel_zeroes (psi.py, utils.py)

usage: python3 bench/driftScipy.py DIR ROWS FEATURES RUNS
prints one JSON object: {"scipyMs": median over runs, "runsMs": [...], "results": [[ksD, ksP, wass, js, psi], ...]}
"""
import json
import sys
import time

import numpy as np
from scipy import stats
from scipy.spatial import distance


def binned(ref, cur, feel_zeroes):
    # utils.py get_binned_data, numerical branch.
    bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
    ref_p = np.histogram(ref, bins)[0] / len(ref)
    cur_p = np.histogram(cur, bins)[0] / len(cur)
    if feel_zeroes:
        for p in (ref_p, cur_p):
            m = np.min(p[p != 0])
            np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return ref_p, cur_p


def feature_stats(ref, cur):
    ks = stats.ks_2samp(ref, cur)
    wass = stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)
    js = distance.jensenshannon(*binned(ref, cur, False))
    ref_p, cur_p = binned(ref, cur, True)
    psi = float(np.sum((ref_p - cur_p) * np.log(ref_p / cur_p)))
    return [float(ks.statistic), float(ks.pvalue), float(wass), float(js), psi]


def main():
    folder, rows, features, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    ref = np.fromfile(f"{folder}/reference.f64", dtype="<f8").reshape(features, rows)
    cur = np.fromfile(f"{folder}/current.f64", dtype="<f8").reshape(features, rows)
    times = []
    results = []
    for _ in range(runs):
        start = time.perf_counter()
        results = [feature_stats(ref[j], cur[j]) for j in range(features)]
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"scipyMs": float(np.median(times)), "runsMs": times, "results": results, "numpy": np.__version__, "scipy": __import__("scipy").__version__}))


main()
