import type { WizardTemplate } from "./wizardAnswers";

/** One answer to "where does it run?", as the `--set` pairs the scaffold applies. */
export interface ComputeChoice {
  readonly id: string;
  readonly label: string;
  readonly description: string | undefined;
  readonly detail: string | undefined;
  readonly set: readonly string[];
  readonly recommended: boolean;
}

/** Free GPUs the connected cluster has, per GPU product and per MIG profile. */
export interface FreeGpus {
  readonly products: readonly { readonly product: string; readonly pools: readonly string[]; readonly free: number; readonly total: number }[];
  readonly mig: readonly { readonly profile: string; readonly pools: readonly string[]; readonly free: number; readonly total: number }[];
}

/** Offered when no cluster is connected: common AKS GPU products. */
const offlineProducts = ["NVIDIA-A100-SXM4-80GB", "NVIDIA-H100-80GB-HBM3", "Tesla-T4"];

/**
 * The compute step of the wizard. With a cluster connected the choices are the GPU products
 * and MIG profiles it really has, with how many are free now; otherwise common products.
 */
export function computeChoices(template: WizardTemplate, free: FreeGpus | undefined): ComputeChoice[] {
  const choices: ComputeChoice[] = [];
  const products = free?.products ?? offlineProducts.map((product) => ({ product, pools: [], free: -1, total: -1 }));
  const sorted = [...products].sort((a, b) => b.free - a.free || a.product.localeCompare(b.product));
  for (const p of sorted) {
    choices.push({
      id: `gpu:${p.product}`,
      label: `$(chip) 1 × ${p.product}`,
      description: p.free >= 0 ? `${p.free} of ${p.total} free${p.pools.length ? ` · ${p.pools.join(", ")}` : ""}` : "not connected: free GPUs unknown",
      detail: undefined,
      set: ["resources.gpu.count=1", `resources.gpu.type=${p.product}`],
      recommended: false,
    });
  }
  if (template.id !== "vllm") {
    for (const m of free?.mig ?? []) {
      choices.push({
        id: `mig:${m.profile}`,
        label: `$(chip) MIG slice ${m.profile}`,
        description: `${m.free} of ${m.total} free${m.pools.length ? ` · ${m.pools.join(", ")}` : ""}`,
        detail: "A slice of an A100/H100: enough for small models, isolated from its neighbours",
        set: ["resources.gpu.count=1", `resources.gpu.mig=${m.profile}`],
        recommended: false,
      });
    }
  }
  if (template.cpuCapable) {
    choices.push({ id: "cpu", label: "$(server) CPU only", description: "no GPU", detail: undefined, set: ["resources.gpu.count=0"], recommended: !template.gpuRequired });
  }
  // The recommendation: a GPU with room for it, when the runtime wants one.
  const firstFree = choices.find((c) => c.id.startsWith("gpu:") && !c.description?.startsWith("0 of"));
  const recommended = template.gpuRequired || !template.cpuCapable ? (firstFree ?? choices[0]) : choices.find((c) => c.id === "cpu");
  return choices.map((c) => (c === recommended ? { ...c, recommended: true, detail: c.detail ?? "Recommended" } : c));
}
