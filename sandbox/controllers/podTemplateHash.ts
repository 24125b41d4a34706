/**
 * The pod-template-hash: Kubernetes' controller.ComputeHash, an FNV-1a 32-bit hash of the pod
 * template (and the collision count), printed in decimal and rendered with rand.SafeEncodeString's
 * alphabet (no vowels, no 0/1/3, so it never spells words). Go hashes a spew dump of the struct;
 * this hashes canonical JSON, so values differ from a real cluster's but are as stable.
 */
import { type PodTemplate } from "./kubeShapes";

export const podTemplateHashLabel = "pod-template-hash";
const safeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

export function safeEncodeString(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += safeAlphabet[text.charCodeAt(i) % safeAlphabet.length] ?? "x";
  return out;
}

export function fnv32a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** JSON with sorted keys, and empty maps and lists dropped: apimachinery's semantic equality treats nil and empty alike. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])] as const)
      .filter(([, v]) => v !== undefined && v !== null && !(typeof v === "object" && Object.keys(v).length === 0));
    return Object.fromEntries(entries);
  }
  return value;
}

export function computeHash(template: PodTemplate, collisionCount?: number): string {
  const bytes = [...new TextEncoder().encode(JSON.stringify(canonical(template)))];
  if (collisionCount !== undefined) {
    const count = new Uint8Array(8);
    new DataView(count.buffer).setUint32(0, collisionCount >>> 0, true);
    bytes.push(...count);
  }
  return safeEncodeString(String(fnv32a(Uint8Array.from(bytes))));
}

/** The template without the pod-template-hash label, as kubectl rollout undo and EqualIgnoreHash see it. */
export function withoutHashLabel(template: PodTemplate): PodTemplate {
  const labels = { ...template.metadata?.labels };
  delete labels[podTemplateHashLabel];
  return { ...template, metadata: { ...template.metadata, labels } };
}

/** deploymentutil.EqualIgnoreHash: the same template once the pod-template-hash label is ignored. */
export function equalIgnoreHash(a: PodTemplate, b: PodTemplate): boolean {
  return JSON.stringify(canonical(withoutHashLabel(a))) === JSON.stringify(canonical(withoutHashLabel(b)));
}
