/**
 * The canary demo `npm start` writes: a manifest `aiplat check` passes, with a canary rollout,
 * whose first image and the two builds its comments name behave as the comments say in the
 * sandbox's traffic model (a canary of the slow one must fail, of the good one pass).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { canaryDemoService, writeCanaryDemo } from "../../../sandbox/canary/canaryDemoFiles";
import { imageTraits } from "../../../sandbox/metrics/trafficModel";
import { parseManifest } from "../../../src/core/manifest/parseManifest";
import { runAiplat } from "../cli/runAiplat";

describe("the canary demo", () => {
  test("passes aiplat check, rolls out as a canary, and names a slow and a good build the traffic model knows", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "aiplat-canary-demo-"));
    const { manifest } = await writeCanaryDemo(dir);
    const text = readFileSync(manifest, "utf8");
    const parsed = parseManifest(text);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.manifest.rollout.strategy).toBe("canary");
    const check = await runAiplat(["check", "aiplatform.yaml", "--env", "dev"], { cwd: dir });
    expect(check.code).toBe(0);

    const first = parsed.manifest.image!;
    expect(imageTraits([first])?.latencyFactor).toBe(1);
    // The builds the comments tell a person to try next.
    const slow = `${canaryDemoService.image}:1.4.0-rc1`;
    const good = `${canaryDemoService.image}:1.3.1`;
    expect(text).toContain(slow);
    expect(text).toContain(good);
    expect(imageTraits([slow])?.latencyFactor).toBeGreaterThan(1 + (parsed.manifest.rollout.strategy === "canary" ? (parsed.manifest.rollout.tolerance ?? 0.1) : 0));
    expect(imageTraits([good])).toEqual({ latencyFactor: 1 });
  });
});
