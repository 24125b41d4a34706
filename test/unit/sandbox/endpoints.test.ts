import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readSandboxEndpoints, writeSandboxEndpoints } from "../../../sandbox/endpoints";

const dir = mkdtempSync(path.join(tmpdir(), "aiplat-endpoints-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(".sandbox/endpoints.json", () => {
  it("round-trips, readable by its owner only", async () => {
    const file = path.join(dir, "nested", "endpoints.json");
    const endpoints = {
      apiServer: "https://127.0.0.1:6443",
      kubeconfig: "/repo/.sandbox/kubeconfig",
      prometheus: { url: "http://127.0.0.1:41234", serviceProxy: "monitoring/kube-prometheus-stack-prometheus:9090" },
    };
    await writeSandboxEndpoints(file, endpoints);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(endpoints);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await readSandboxEndpoints(file)).toEqual(endpoints);
  });

  it("says which file and which field is wrong", async () => {
    const file = path.join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ apiServer: "not a url", kubeconfig: "k", prometheus: { url: "http://127.0.0.1:1", serviceProxy: "kube-prometheus-stack-prometheus" } }));
    await expect(readSandboxEndpoints(file)).rejects.toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: apiServer: .*; prometheus.serviceProxy: `));
    await expect(readSandboxEndpoints(path.join(dir, "missing.json"))).rejects.toThrow("npm run sandbox writes it");
    writeFileSync(file, "{");
    await expect(readSandboxEndpoints(file)).rejects.toThrow(/: not JSON: /);
  });

  it("refuses to write what it could not read back", async () => {
    await expect(writeSandboxEndpoints(path.join(dir, "x.json"), { apiServer: "https://127.0.0.1:1", kubeconfig: "" })).rejects.toThrow();
  });
});
