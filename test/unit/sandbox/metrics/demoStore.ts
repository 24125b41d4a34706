/** The demo scenario loaded into a bare ObjectStore at a fixed "now", as the sandbox loads it at start. */
import { ObjectStore } from "../../../../sandbox/objectStore";
import { PodLogs } from "../../../../sandbox/podLogs";
import { loadScenario, readScenario } from "../../../../sandbox/scenario";
import { scenarioFile } from "../../../../sandbox/sandboxLauncher";

/** A Monday 14:00:00 UTC: mid-afternoon load, and a multiple of every sample step. */
export const demoNow = Date.UTC(2026, 10, 30, 14, 0, 0);

export async function demoStore(now = demoNow): Promise<ObjectStore> {
  const store = new ObjectStore();
  loadScenario(store, new PodLogs(), await readScenario(scenarioFile("demo"), new Date(now)), new Date(now));
  return store;
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

/**
 * A strict reader of the Prometheus text format (and OpenMetrics sample lines): every sample line
 * must parse and belong to a family declared by a preceding # TYPE line.
 */
export function parseExposition(text: string): { types: Map<string, string>; samples: Sample[]; order: string[] } {
  const types = new Map<string, string>();
  const order: string[] = [];
  const samples: Sample[] = [];
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+(?:\.\d+)?))?$/;
  for (const raw of text.split("\n")) {
    if (raw === "" || raw.startsWith("# HELP ") || raw === "# EOF") continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|unknown|untyped)$/.exec(raw);
    if (type) {
      if (types.has(type[1] ?? "")) throw new Error(`family ${type[1]} declared twice`);
      types.set(type[1] ?? "", type[2] ?? "");
      order.push(type[1] ?? "");
      continue;
    }
    const m = line.exec(raw);
    if (!m) throw new Error(`not a sample line: ${raw}`);
    const labels: Record<string, string> = {};
    const labelText = m[2] ?? "";
    const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/g;
    let consumed = 0;
    for (const l of labelText.matchAll(labelRe)) {
      labels[l[1] ?? ""] = (l[2] ?? "").replace(/\\"/g, '"').replace(/\\n/g, "\n").replace(/\\\\/g, "\\");
      consumed += l[0].length;
    }
    if (consumed !== labelText.length) throw new Error(`bad labels: ${raw}`);
    const value = m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== "NaN") throw new Error(`bad value: ${raw}`);
    const name = m[1] ?? "";
    const family = [name, name.replace(/_(bucket|sum|count|total)$/, "")].find((n) => types.has(n));
    if (!family || family !== order[order.length - 1]) throw new Error(`sample outside its family: ${raw}`);
    samples.push({ name, labels, value, ...(m[4] ? { timestamp: Number(m[4]) } : {}) });
  }
  return { types, samples, order };
}
