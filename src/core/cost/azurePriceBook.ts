/**
 * The price book we ship: Azure pay-as-you-go Linux list prices, region eastus, USD per hour,
 * for the common GPU node SKUs of AKS inference clusters and a few CPU SKUs for system pools.
 *
 * Source: skypilot-org/skypilot-catalog catalogs/v6/azure/vms.csv @ 098741e7 (generated from
 * the Azure Retail Prices API; the snapshot's date is not recorded), read 2026-12-01. Check a
 * price against https://prices.azure.com/api/retail/prices?$filter=armSkuName eq '<SKU>' and
 * priceType eq 'Consumption' (retailPrice, unitOfMeasure "1 Hour").
 * Corrections to the catalog: Standard_ND96isr_H100_v5 has 8 H100 GPUs (the catalog says 12).
 * Standard_D4s_v5 and Standard_D16s_v5 are the Dsv5 series' linear per-vCPU price (0.048 per
 * vCPU-hour in eastus: D4_v5 0.192, D8s_v5 0.384, D64s_v5 3.072, D96s_v5 4.608 in the catalog).
 */

export const azurePriceBookSource = "Azure retail prices, eastus, pay-as-you-go Linux (skypilot-catalog vms.csv @ 098741e7, read 2026-12-01)";

export interface AzureSku {
  readonly instanceType: string;
  /** USD per hour for the whole VM. */
  readonly nodeHourly: number;
  readonly vcpus: number;
  readonly ramGiB: number;
  readonly gpus: number;
}

export const azureSkus: readonly AzureSku[] = [
  // GPU: T4
  { instanceType: "Standard_NC4as_T4_v3", nodeHourly: 0.526, vcpus: 4, ramGiB: 28, gpus: 1 },
  { instanceType: "Standard_NC8as_T4_v3", nodeHourly: 0.752, vcpus: 8, ramGiB: 56, gpus: 1 },
  { instanceType: "Standard_NC16as_T4_v3", nodeHourly: 1.204, vcpus: 16, ramGiB: 110, gpus: 1 },
  { instanceType: "Standard_NC64as_T4_v3", nodeHourly: 4.352, vcpus: 64, ramGiB: 440, gpus: 4 },
  // GPU: A100 80GB
  { instanceType: "Standard_NC24ads_A100_v4", nodeHourly: 3.673, vcpus: 24, ramGiB: 220, gpus: 1 },
  { instanceType: "Standard_NC48ads_A100_v4", nodeHourly: 7.346, vcpus: 48, ramGiB: 440, gpus: 2 },
  { instanceType: "Standard_NC96ads_A100_v4", nodeHourly: 14.692, vcpus: 96, ramGiB: 880, gpus: 4 },
  { instanceType: "Standard_ND96amsr_A100_v4", nodeHourly: 32.77, vcpus: 96, ramGiB: 1800, gpus: 8 },
  // GPU: A100 40GB
  { instanceType: "Standard_ND96asr_v4", nodeHourly: 27.197, vcpus: 96, ramGiB: 900, gpus: 8 },
  // GPU: H100
  { instanceType: "Standard_NC40ads_H100_v5", nodeHourly: 6.98, vcpus: 40, ramGiB: 320, gpus: 1 },
  { instanceType: "Standard_NC80adis_H100_v5", nodeHourly: 13.96, vcpus: 80, ramGiB: 640, gpus: 2 },
  { instanceType: "Standard_ND96isr_H100_v5", nodeHourly: 98.32, vcpus: 96, ramGiB: 1900, gpus: 8 },
  // GPU: A10
  { instanceType: "Standard_NV36ads_A10_v5", nodeHourly: 3.2, vcpus: 36, ramGiB: 440, gpus: 1 },
  { instanceType: "Standard_NV72ads_A10_v5", nodeHourly: 6.52, vcpus: 72, ramGiB: 880, gpus: 2 },
  // GPU: V100
  { instanceType: "Standard_NC6s_v3", nodeHourly: 3.06, vcpus: 6, ramGiB: 112, gpus: 1 },
  { instanceType: "Standard_NC12s_v3", nodeHourly: 6.12, vcpus: 12, ramGiB: 224, gpus: 2 },
  { instanceType: "Standard_NC24s_v3", nodeHourly: 12.24, vcpus: 24, ramGiB: 448, gpus: 4 },
  // CPU: system and CPU pools
  { instanceType: "Standard_D4s_v5", nodeHourly: 0.192, vcpus: 4, ramGiB: 16, gpus: 0 },
  { instanceType: "Standard_D8s_v5", nodeHourly: 0.384, vcpus: 8, ramGiB: 32, gpus: 0 },
  { instanceType: "Standard_D16s_v5", nodeHourly: 0.768, vcpus: 16, ramGiB: 64, gpus: 0 },
  { instanceType: "Standard_D64s_v5", nodeHourly: 3.072, vcpus: 64, ramGiB: 256, gpus: 0 },
  { instanceType: "Standard_D8ds_v5", nodeHourly: 0.452, vcpus: 8, ramGiB: 32, gpus: 0 },
  { instanceType: "Standard_D8as_v5", nodeHourly: 0.344, vcpus: 8, ramGiB: 32, gpus: 0 },
];
