/**
 * Scenarios: YAML files under sandbox/scenarios/ that list the objects a sandbox cluster holds
 * at start, statuses included, as a cluster at rest shows them (the controllers, when on, adopt
 * them rather than rebuild them). Owner references and event subjects
 * may name their object without a uid; timestamps may be relative ("now-3d"); YAML anchors
 * and merge keys (<<) keep repeated node and pod shapes short.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import * as z from "zod";
import { type KubeObject } from "./kubeObject";
import { type ObjectStore } from "./objectStore";
import { type PodLogs } from "./podLogs";
import { type ResourceType, apiVersionOf, findResource } from "./resourceTypes";

const objectSchema = z.looseObject({ metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }) });

const LogEntry = z.object({
  namespace: z.string(),
  pod: z.string(),
  container: z.string(),
  previous: z.boolean().default(false),
  lines: z.array(z.string()),
});

/** Sections in load order: owners before what they own, namespaces before everything in them. */
export const scenarioSections = ["namespaces", "nodes", "services", "inferenceservices", "deployments", "replicasets", "pods", "events"] as const;
type Section = (typeof scenarioSections)[number];

export const Scenario = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  ...(Object.fromEntries(scenarioSections.map((s) => [s, z.array(objectSchema).default([])])) as Record<Section, z.ZodDefault<z.ZodArray<typeof objectSchema>>>),
  logs: z.array(LogEntry).default([]),
});
export type Scenario = z.infer<typeof Scenario>;

const sectionTypes: Record<Section, ResourceType | undefined> = {
  namespaces: findResource("", "v1", "namespaces"),
  nodes: findResource("", "v1", "nodes"),
  services: findResource("", "v1", "services"),
  deployments: findResource("apps", "v1", "deployments"),
  replicasets: findResource("apps", "v1", "replicasets"),
  pods: findResource("", "v1", "pods"),
  inferenceservices: findResource("serving.kserve.io", "v1beta1", "inferenceservices"),
  events: findResource("", "v1", "events"),
};

export const scenariosDir = path.join(__dirname, "scenarios");

const relativeTime = /^now((?:[-+]\d+[smhd])*)$/;
const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Replaces every "now", "now-5m", "now-2d-3h" string with a timestamp relative to `now`. */
export function resolveRelativeTimes(value: unknown, now: Date): unknown {
  if (typeof value === "string") {
    const match = relativeTime.exec(value);
    if (!match) return value;
    let ms = now.getTime();
    for (const [, sign, amount, unit] of (match[1] ?? "").matchAll(/([-+])(\d+)([smhd])/g)) {
      ms += (sign === "-" ? -1 : 1) * Number(amount) * (unitMs[unit ?? "s"] ?? 1000);
    }
    return timestamp(new Date(ms));
  }
  if (Array.isArray(value)) return value.map((v) => resolveRelativeTimes(v, now));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRelativeTimes(v, now)]));
  }
  return value;
}

export function parseScenario(text: string, now = new Date()): Scenario {
  return Scenario.parse(resolveRelativeTimes(parseYaml(text, { merge: true }), now));
}

export async function readScenario(file: string, now = new Date()): Promise<Scenario> {
  return parseScenario(await readFile(file, "utf8"), now);
}

function typeOfKind(kind: string): ResourceType | undefined {
  return Object.values(sectionTypes).find((t) => t?.kind === kind);
}

/** Fills what the API server would have set, and resolves owner references and event subjects by name. */
function complete(store: ObjectStore, type: ResourceType, input: KubeObject, now: Date): KubeObject {
  const metadata = { ...input.metadata };
  if (type.namespaced) metadata.namespace ??= "default";
  else delete metadata.namespace;
  metadata.uid ??= randomUUID();
  metadata.creationTimestamp ??= timestamp(new Date(now.getTime() - 3_600_000));
  if (type.hasGeneration) metadata.generation ??= 1;
  if (type.plural === "namespaces") metadata.labels = { ...metadata.labels, "kubernetes.io/metadata.name": metadata.name ?? "" };
  if (metadata.ownerReferences) {
    metadata.ownerReferences = metadata.ownerReferences.map((ref) => {
      if (ref.uid) return ref;
      // An owner named without a uid (as in scenario files) gets the uid the owner was loaded with.
      const ownerType = typeOfKind(ref.kind);
      const owner = ownerType ? store.get(ownerType, metadata.namespace, ref.name) : undefined;
      return { ...ref, uid: owner?.metadata.uid ?? randomUUID() };
    });
  }
  const object: KubeObject = { ...input, apiVersion: apiVersionOf(type), kind: type.kind, metadata };
  if (type.plural === "events") {
    const subject = { ...(object.involvedObject as Record<string, unknown> | undefined) };
    const subjectType = typeof subject.kind === "string" ? typeOfKind(subject.kind) : undefined;
    if (subjectType && typeof subject.name === "string") {
      subject.namespace ??= subjectType.namespaced ? metadata.namespace : undefined;
      subject.apiVersion ??= apiVersionOf(subjectType);
      subject.uid ??= store.get(subjectType, subject.namespace as string | undefined, subject.name)?.metadata.uid;
    }
    object.involvedObject = subject;
  }
  return object;
}

/**
 * Puts a scenario's objects into a store directly, statuses included, as a cluster at rest.
 * Namespaces that objects use but the scenario does not list are created too.
 */
export function loadScenario(store: ObjectStore, logs: PodLogs, scenario: Scenario, now = new Date()): void {
  const namespaceType = sectionTypes.namespaces;
  for (const section of scenarioSections) {
    const type = sectionTypes[section];
    if (!type) continue;
    for (const input of scenario[section]) {
      const object = complete(store, type, input, now);
      const ns = object.metadata.namespace;
      if (type.namespaced && ns && namespaceType && !store.get(namespaceType, undefined, ns)) {
        store.put(namespaceType, complete(store, namespaceType, { metadata: { name: ns }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } }, now));
      }
      store.put(type, object);
    }
  }
  for (const entry of scenario.logs) {
    entry.lines.forEach((text, i) => {
      logs.append(entry.namespace, entry.pod, entry.container, text, { previous: entry.previous, time: new Date(now.getTime() - (entry.lines.length - i) * 1000) });
    });
  }
}
