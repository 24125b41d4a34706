# Reference values for the triage statistics tests, computed by scipy itself.
# Reads a JSON list of {"op": ..., ...} from the file named in argv[1]; prints a JSON list of results.
import json
import sys

from scipy import stats


def order_statistic_levels(n, p=0.95, conf=0.95):
    # The exact distribution-free CI of the p-quantile: order statistics X(r) and X(s) with
    # B ~ Binomial(n, p) and P(r <= B < s) >= conf; returned as levels r/n and s/n.
    a = (1 - conf) / 2
    r = stats.binom.ppf(a, n, p)
    s = stats.binom.ppf(1 - a, n, p) + 1
    coverage = stats.binom.cdf(s - 1, n, p) - stats.binom.cdf(r - 1, n, p)
    return {"lower": float(r) / n, "upper": float(s) / n, "coverage": float(coverage)}


def one_sided_two_proportion(e1, n1, e2, n2):
    # Pearson's chi-square on the 2x2 table without Yates' correction is the pooled z-test squared:
    # its p-value is two-sided; halve it for the side the difference lies on.
    chi2, p_two, _, _ = stats.chi2_contingency([[e1, n1 - e1], [e2, n2 - e2]], correction=False)
    up = e2 / n2 > e1 / n1
    z = (chi2 ** 0.5) * (1 if up else -1)
    return {"z": float(z), "p": float(p_two / 2 if up else 1 - p_two / 2)}


def run(case):
    op = case["op"]
    if op == "orderstat":
        return order_statistic_levels(case["n"])
    if op == "ztest":
        return one_sided_two_proportion(case["e1"], case["n1"], case["e2"], case["n2"])
    if op == "over_slo":
        # One-sided one-proportion z against the SLO rate, and the exact binomial test's p for the same question.
        k, n, p0 = case["k"], case["n"], case["p0"]
        z = (k / n - p0) / (p0 * (1 - p0) / n) ** 0.5
        return {"z": float(z), "p": float(stats.norm.sf(z)), "exact": float(stats.binomtest(k, n, p0, alternative="greater").pvalue)}
    if op == "norm_ppf":
        return float(stats.norm.ppf(case["q"]))
    raise ValueError(op)


with open(sys.argv[1]) as f:
    cases = json.load(f)
print(json.dumps([run(c) for c in cases]))
