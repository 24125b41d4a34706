"""Evidently's default drift verdict per column, with numpy and scipy: the oracle the drift engine's
tests compare against. Written from evidentlyai/evidently src/evidently/legacy/calculations/
(data_drift.py::get_one_column_drift, stattests/registry.py::_get_default_stattest, stattests/
{ks_stattest,wasserstein_distance_norm,chisquare_stattest,z_stattest,jensenshannon,psi,utils}.py),
without pandas: Series.nunique/value_counts/dropna become set/Counter/filters.

stdin: {"columns": [{"name", "type": "num"|"cat", "reference": [...], "current": [...], "method"?: str}]}
       (null marks a missing value; numbers may be NaN/Infinity spelled as strings "nan"/"inf")
stdout: {"name": {"method", "score", "drifted", "threshold", "psi", "n_unique", "ks_statistic"}}
"""
import json
import math
import sys
from collections import Counter

import numpy as np
from scipy import stats
from scipy.spatial import distance

THRESHOLDS = {"ks": 0.05, "chisquare": 0.05, "z": 0.05, "wasserstein": 0.1, "jensenshannon": 0.1, "psi": 0.1}


def clean(values, kind):
    out = []
    for v in values:
        if v is None:
            continue
        if kind == "num":
            f = float(v)
            # get_one_column_drift: replace([-inf, inf], nan).dropna()
            if math.isfinite(f):
                out.append(f)
        else:
            out.append(v)
    return out


def default_stattest(ref, cur, kind):
    n_values = len(set(ref) | set(cur))
    if len(ref) <= 1000:
        if kind == "num":
            if n_values <= 5:
                return "chisquare" if n_values > 2 else "z"
            return "ks"
        return "chisquare" if n_values > 2 else "z"
    if kind == "num":
        return "jensenshannon" if n_values <= 5 else "wasserstein"
    return "jensenshannon"


def binned(ref, cur, kind, feel_zeroes):
    if kind == "num" and len(set(ref)) > 20:
        bins = np.histogram_bin_edges(np.concatenate([np.array(ref), np.array(cur)]), bins="sturges")
        rp = np.histogram(ref, bins)[0] / len(ref)
        cp = np.histogram(cur, bins)[0] / len(cur)
    else:
        keys = list(set(ref) | set(cur))
        rc, cc = Counter(ref), Counter(cur)
        rp = np.array([rc.get(k, 0) / len(ref) for k in keys])
        cp = np.array([cc.get(k, 0) / len(cur) for k in keys])
    if feel_zeroes:
        for p in (rp, cp):
            m = min(p[p != 0])
            np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return rp, cp


def score(method, ref, cur, kind):
    ks_stat = None
    if method == "ks":
        res = stats.ks_2samp(ref, cur)
        return float(res[1]), float(res[0])
    if method == "wasserstein":
        norm = max(np.std(ref), 0.001)
        return float(stats.wasserstein_distance(ref, cur) / norm), ks_stat
    if method == "chisquare":
        keys = list(set(ref) | set(cur))
        rc, cc = Counter(ref), Counter(cur)
        k_norm = len(cur) / len(ref)
        f_exp = [rc.get(k, 0) * k_norm for k in keys]
        f_obs = [cc.get(k, 0) for k in keys]
        return float(stats.chisquare(f_obs, f_exp)[1]), ks_stat
    if method == "z":
        if len(set(ref)) == 1 and len(set(cur)) == 1 and ref[0] == cur[0]:
            return 1.0, ks_stat
        key = sorted(set(ref) | set(cur))[0]
        r = [0 if x == key else 1 for x in ref]
        c = [0 if x == key else 1 for x in cur]
        n1, n2 = len(r), len(c)
        p1, p2 = float(sum(r)) / n1, float(sum(c)) / n2
        P = float(p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
        return float(2 * (1 - stats.norm.cdf(np.abs(z)))), ks_stat
    if method == "jensenshannon":
        rp, cp = binned(ref, cur, kind, False)
        return float(distance.jensenshannon(rp, cp)), ks_stat
    if method == "psi":
        rp, cp = binned(ref, cur, kind, True)
        return float(np.sum((rp - cp) * np.log(rp / cp))), ks_stat
    raise ValueError(method)


def drifted(method, s, threshold):
    if method == "ks":
        return s <= threshold
    if method in ("chisquare", "z"):
        return s < threshold
    return s >= threshold


def main():
    request = json.load(sys.stdin)
    out = {}
    for col in request["columns"]:
        kind = col["type"]
        ref = clean(col["reference"], kind)
        cur = clean(col["current"], kind)
        method = col.get("method") or default_stattest(ref, cur, kind)
        s, ks_stat = score(method, ref, cur, kind)
        threshold = col.get("threshold") or THRESHOLDS[method]
        psi_value, _ = score("psi", ref, cur, kind)
        out[col["name"]] = {
            "method": method,
            "score": s,
            "drifted": bool(drifted(method, s, threshold)),
            "threshold": threshold,
            "psi": psi_value,
            "n_unique": len(set(ref) | set(cur)),
            "ks_statistic": ks_stat,
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
