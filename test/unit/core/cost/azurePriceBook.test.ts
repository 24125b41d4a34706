import { describe, expect, it } from "vitest";
import { azureSkus } from "../../../../src/core/cost/azurePriceBook";

/**
 * The GPU SKUs, their GPU counts and eastus prices as /work/shared/reference/domain.md §4.2 lists
 * them (skypilot-catalog vms.csv @ 098741e7, with its ND96isr_H100_v5 GPU count corrected to 8).
 */
const domainTable: readonly [string, number, number][] = [
  ["Standard_NC4as_T4_v3", 1, 0.526],
  ["Standard_NC8as_T4_v3", 1, 0.752],
  ["Standard_NC16as_T4_v3", 1, 1.204],
  ["Standard_NC64as_T4_v3", 4, 4.352],
  ["Standard_NC24ads_A100_v4", 1, 3.673],
  ["Standard_NC48ads_A100_v4", 2, 7.346],
  ["Standard_NC96ads_A100_v4", 4, 14.692],
  ["Standard_NC40ads_H100_v5", 1, 6.98],
  ["Standard_NC80adis_H100_v5", 2, 13.96],
  ["Standard_ND96asr_v4", 8, 27.197],
  ["Standard_ND96amsr_A100_v4", 8, 32.77],
  ["Standard_ND96isr_H100_v5", 8, 98.32],
  ["Standard_NC6s_v3", 1, 3.06],
];

describe("the shipped Azure price book", () => {
  it.each(domainTable)("%s: %d GPU(s) at $%d/h in eastus", (sku, gpus, price) => {
    expect(azureSkus.find((s) => s.instanceType === sku)).toMatchObject({ gpus, nodeHourly: price });
  });

  it("holds the demo's SKUs (issue 10: A100, T4, A10 and CPU pools) and one entry per SKU", () => {
    const names = azureSkus.map((s) => s.instanceType);
    expect(names).toEqual(expect.arrayContaining(["Standard_NC24ads_A100_v4", "Standard_NC4as_T4_v3", "Standard_NV36ads_A10_v5", "Standard_ND96amsr_A100_v4", "Standard_D8s_v5"]));
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const s of azureSkus) {
      expect(s.nodeHourly).toBeGreaterThan(0);
      expect(s.vcpus).toBeGreaterThan(0);
      expect(s.ramGiB).toBeGreaterThan(0);
    }
  });
});
