import * as z from "zod";
import { ServiceManifest } from "./serviceManifest";

/** The JSON Schema of aiplatform.yaml as editors read it: the input side (defaults may be omitted). */
export function manifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ServiceManifest, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return {
    ...schema,
    $id: "https://aiplatform.dev/schemas/aiplatform.schema.json",
    title: "AI Platform Ops service manifest (aiplatform.yaml)",
    description: "One declarative file per inference service: runtime, model, image, resources, scaling, probes, SLOs, environments and rollout.",
  };
}

export function manifestJsonSchemaText(): string {
  return `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
}
