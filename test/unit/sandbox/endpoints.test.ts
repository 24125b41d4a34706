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

  const azure = {
    authorityHost: "https://127.0.0.1:40001",
    tenantId: "8d3f2b61-5c4e-4a7b-9e10-5a1b2c3d4e5f",
    clientId: "3c9e5f1a-7b2d-4e8c-9a0f-1b2c3d4e5f60",
    clientSecret: "sandbox~fake",
    armEndpoint: "https://127.0.0.1:40002",
    subscriptionId: "0b7c1e9a-2f4d-4c83-a6b5-d1e2f3a4b5c6",
    resources: {
      onlineEndpoint: "/subscriptions/0b7c1e9a-2f4d-4c83-a6b5-d1e2f3a4b5c6/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod/onlineEndpoints/sentiment-endpoint",
      onlineEndpointDeployments: ["blue", "green"],
      aksCluster: "/subscriptions/0b7c1e9a-2f4d-4c83-a6b5-d1e2f3a4b5c6/resourceGroups/rg-aks-prod/providers/Microsoft.ContainerService/managedClusters/aks-gpu-prod",
    },
    managedPrometheusUrl: "https://127.0.0.1:40003",
    caFile: "/repo/.sandbox/ca.pem",
  };

  it("round-trips the Azure part, and keeps to its declared fields", async () => {
    const file = path.join(dir, "azure.json");
    const endpoints = { apiServer: "https://127.0.0.1:6443", kubeconfig: "/repo/.sandbox/kubeconfig", azure };
    await writeSandboxEndpoints(file, endpoints);
    expect(await readSandboxEndpoints(file)).toEqual(endpoints);
    // Without metrics there is no managed Prometheus in front of anything.
    const { managedPrometheusUrl: _, ...withoutPrometheus } = azure;
    await writeSandboxEndpoints(file, { ...endpoints, azure: withoutPrometheus });
    expect((await readSandboxEndpoints(file)).azure).toEqual(withoutPrometheus);
    // A field the schema does not declare is not carried along.
    writeFileSync(file, JSON.stringify({ ...endpoints, azure: { ...azure, restrictedEndpoint: "/subscriptions/x" } }));
    expect((await readSandboxEndpoints(file)).azure).toEqual(azure);
  });

  it("names the Azure field that is missing or wrong", async () => {
    const file = path.join(dir, "bad-azure.json");
    const { caFile: _, ...noCa } = azure;
    writeFileSync(file, JSON.stringify({ apiServer: "https://127.0.0.1:6443", kubeconfig: "k", azure: { ...noCa, resources: { ...azure.resources, aksCluster: "aks-gpu-prod" } } }));
    await expect(readSandboxEndpoints(file)).rejects.toThrow(/: azure\.resources\.aksCluster: .*; azure\.caFile: /);
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
