import { seededRandom as mulberry32 } from "../../../../../src/core/seededRandom";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs scipyOracle.py (numpy/scipy in this process's python3) over a batch of cases and returns its answers. */
export function scipyOracle<T = unknown>(cases: readonly Record<string, unknown>[]): T[] {
  const dir = mkdtempSync(join(tmpdir(), "drift-oracle-"));
  try {
    const file = join(dir, "cases.json");
    writeFileSync(file, JSON.stringify(cases, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v)));
    const out = execFileSync("python3", [join(__dirname, "scipyOracle.py"), file], { encoding: "utf8", maxBuffer: 1 << 28 });
    return JSON.parse(out, (_k, v: unknown) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v)) as T[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A seeded generator (mulberry32) with the few distributions the tests draw from. */
export function seededRandom(seed: number) {
  const uniform = mulberry32(seed);
  const normal = (): number => {
    let u = uniform();
    while (u === 0) u = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  return {
    uniform,
    normal,
    normals(n: number, mean = 0, sd = 1): Float64Array {
      return Float64Array.from({ length: n }, () => mean + sd * normal());
    },
    cauchy(n: number, loc = 0): Float64Array {
      return Float64Array.from({ length: n }, () => loc + Math.tan(Math.PI * (uniform() - 0.5)));
    },
    studentT(n: number, dof: number): Float64Array {
      return Float64Array.from({ length: n }, () => {
        let chi = 0;
        for (let k = 0; k < dof; k++) chi += normal() ** 2;
        return normal() / Math.sqrt(chi / dof);
      });
    },
    integers(n: number, lo: number, hi: number): Float64Array {
      return Float64Array.from({ length: n }, () => lo + Math.floor(uniform() * (hi - lo + 1)));
    },
  };
}

export function sorted(x: Float64Array): Float64Array {
  return Float64Array.from(x).sort();
}

/**
 * |actual − expected| <= tol·|expected|; infinities and NaN must match exactly. Below 1e-300 (where scipy's
 * double-double arithmetic and ours part ways in the subnormals) both must simply be that small.
 */
export function relClose(actual: number, expected: number, tol = 1e-9): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  if (Math.abs(expected) < 1e-300) return Math.abs(actual) < 1e-300;
  return Math.abs(actual - expected) <= tol * Math.abs(expected);
}
