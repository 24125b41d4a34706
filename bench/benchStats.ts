import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** The median of a bench's runs: what one JSON line reports. */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** A forced full garbage collection, for heap figures measured between two of them. */
export function forcedGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}
