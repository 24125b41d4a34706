# Reference values for the drift statistics tests, computed by numpy/scipy themselves.
# Reads a JSON list of {"op": ..., ...} from the file named in argv[1]; prints a JSON list of results.
# Floats travel as JSON numbers (shortest round-trip repr on both sides); inf/nan as strings.
import json
import sys
import warnings

import numpy as np
from scipy import stats, special
from scipy.spatial import distance

warnings.simplefilter("ignore")


def num(x):
    x = float(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return x


def evidently_z(ref_ones, ref_n, cur_ones, cur_n):
    # evidently legacy/calculations/stattests/z_stattest.py, with its inputs as 0/1 codes.
    ref = np.array([1] * ref_ones + [0] * (ref_n - ref_ones))
    cur = np.array([1] * cur_ones + [0] * (cur_n - cur_ones))
    if len(set(ref)) == 1 and len(set(cur)) == 1 and ref[0] == cur[0]:
        return 1.0
    n1, n2 = len(ref), len(cur)
    p1 = float(sum(ref)) / n1
    p2 = float(sum(cur)) / n2
    P = float(p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
    return 2 * (1 - stats.norm.cdf(np.abs(z)))


def evidently_psi(ref, cur):
    # evidently legacy/calculations/stattests/utils.py get_binned_data(feel_zeroes=True) + psi.py
    ref = np.array(ref, dtype=float)
    cur = np.array(cur, dtype=float)
    for a in (ref, cur):
        m = min(a[a != 0])
        np.place(a, a == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return np.sum((ref - cur) * np.log(ref / cur))


def run(case):
    op = case["op"]
    if op == "ks2samp":
        a = np.array(case["a"], dtype=float)
        b = np.array(case["b"], dtype=float)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = stats.ks_2samp(a, b, alternative="two-sided", method="auto")
            fellback = any("Exact calculation unsuccessful" in str(x.message) for x in w)
        auto = "exact" if max(len(a), len(b)) <= 10000 else "asymp"
        return {"statistic": num(r.statistic), "pvalue": num(r.pvalue), "method": "asymp" if fellback else auto}
    if op == "kstwo_sf":
        return num(stats.kstwo.sf(case["x"], case["n"]))
    if op == "smirnov":
        return num(special.smirnov(case["n"], case["x"]))
    if op == "wasserstein":
        return num(stats.wasserstein_distance(np.array(case["a"]), np.array(case["b"])))
    if op == "jensenshannon":
        return num(distance.jensenshannon(np.array(case["p"], dtype=float), np.array(case["q"], dtype=float)))
    if op == "chisquare":
        r = stats.chisquare(np.array(case["obs"], dtype=float), np.array(case["exp"], dtype=float))
        return {"statistic": num(r[0]), "pvalue": num(r[1])}
    if op == "chi2_sf":
        return num(stats.chi2.sf(case["x"], case["df"]))
    if op == "ndtr":
        return num(special.ndtr(case["x"]))
    if op == "z":
        return num(evidently_z(case["refOnes"], case["refN"], case["curOnes"], case["curN"]))
    if op == "sturges":
        x = np.array(case["x"], dtype=float)
        edges = np.histogram_bin_edges(x, bins="sturges")
        return {"edges": [num(e) for e in edges], "counts": [int(c) for c in np.histogram(np.array(case["part"], dtype=float), edges)[0]]}
    if op == "psi":
        return num(evidently_psi(case["ref"], case["cur"]))
    raise ValueError(op)


cases = json.load(open(sys.argv[1]))
print(json.dumps([run(c) for c in cases]))
