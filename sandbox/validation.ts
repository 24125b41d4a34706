/**
 * The API server's validation, the part a user of kubectl meets most: object names and the
 * few spec rules whose absence would make the sandbox accept what a real cluster rejects.
 */
import { type StatusCause } from "./apiStatus";
import { type KubeObject } from "./kubeObject";
import { type ResourceType } from "./resourceTypes";
import { matchesLabels, parseLabelSelector } from "./selectors";

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function nameProblems(type: ResourceType, name: string): string[] {
  if (type.nameRule === "label") {
    if (name.length > 63) return ["must be no more than 63 characters"];
    if (!dns1123Label.test(name)) {
      return [
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ];
    }
    return [];
  }
  if (name.length > 253) return ["must be no more than 253 characters"];
  if (!dns1123Subdomain.test(name)) {
    return [
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ];
  }
  return [];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  const r = record(value) ?? {};
  return Object.fromEntries(Object.entries(r).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function podSpecCauses(spec: unknown, field: string): StatusCause[] {
  const containers = record(spec)?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    return [{ reason: "FieldValueRequired", message: "Required value", field: `${field}.containers` }];
  }
  const causes: StatusCause[] = [];
  containers.forEach((c, i) => {
    const container = record(c);
    if (typeof container?.name !== "string" || container.name === "") {
      causes.push({ reason: "FieldValueRequired", message: "Required value", field: `${field}.containers[${i}].name` });
    }
    if (typeof container?.image !== "string" || container.image === "") {
      causes.push({ reason: "FieldValueRequired", message: "Required value", field: `${field}.containers[${i}].image` });
    }
  });
  return causes;
}

/** A workload's selector must be given and must select its own pod template. */
function workloadCauses(spec: unknown): StatusCause[] {
  const s = record(spec);
  const selector = record(s?.selector);
  const template = record(s?.template);
  const templateLabels = stringRecord(record(template?.metadata)?.labels);
  if (!selector) return [{ reason: "FieldValueRequired", message: "Required value", field: "spec.selector" }];
  const matchLabels = stringRecord(selector.matchLabels);
  const expression = Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(",");
  const causes: StatusCause[] = [];
  if (Object.keys(matchLabels).length === 0 && !Array.isArray(selector.matchExpressions)) {
    causes.push({ reason: "FieldValueInvalid", message: "Invalid value: \"null\": empty selector is invalid for deployment", field: "spec.selector" });
  } else if (!matchesLabels(parseLabelSelector(expression), templateLabels)) {
    causes.push({
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(templateLabels)}: \`selector\` does not match template \`labels\``,
      field: "spec.template.metadata.labels",
    });
  }
  return [...causes, ...podSpecCauses(template?.spec, "spec.template.spec")];
}

/** pkg/apis/autoscaling/validation: the replica bounds and the target to scale. */
function hpaCauses(spec: unknown): StatusCause[] {
  const s = record(spec) ?? {};
  const causes: StatusCause[] = [];
  const target = record(s.scaleTargetRef);
  for (const key of ["kind", "name"]) {
    if (typeof target?.[key] !== "string" || target[key] === "") causes.push({ reason: "FieldValueRequired", message: "Required value", field: `spec.scaleTargetRef.${key}` });
  }
  const min = s.minReplicas;
  const max = typeof s.maxReplicas === "number" ? s.maxReplicas : 0;
  if (typeof min === "number" && min < 1) causes.push({ reason: "FieldValueInvalid", message: `Invalid value: ${min}: must be greater than or equal to 1`, field: "spec.minReplicas" });
  if (max < 1) causes.push({ reason: "FieldValueInvalid", message: `Invalid value: ${max}: must be greater than 0`, field: "spec.maxReplicas" });
  else if (typeof min === "number" && max < min) causes.push({ reason: "FieldValueInvalid", message: `Invalid value: ${max}: must be greater than or equal to \`minReplicas\``, field: "spec.maxReplicas" });
  return causes;
}

/** pkg/apis/policy/validation; the real message prints the Go struct where this prints JSON. */
function pdbCauses(spec: unknown): StatusCause[] {
  const s = record(spec) ?? {};
  if (s.minAvailable === undefined || s.maxUnavailable === undefined) return [];
  return [{ reason: "FieldValueInvalid", message: `Invalid value: ${JSON.stringify(s)}: minAvailable and maxUnavailable cannot be both set`, field: "spec" }];
}

/** Every reason the object is invalid, empty when it is valid. */
export function validateObject(type: ResourceType, object: KubeObject): StatusCause[] {
  const name = object.metadata.name ?? "";
  const causes: StatusCause[] = nameProblems(type, name).map((message) => ({
    reason: "FieldValueInvalid",
    message: `Invalid value: "${name}": ${message}`,
    field: "metadata.name",
  }));
  if (type.group === "" && type.plural === "pods") causes.push(...podSpecCauses(object.spec, "spec"));
  if (type.group === "apps") causes.push(...workloadCauses(object.spec));
  if (type.group === "autoscaling") causes.push(...hpaCauses(object.spec));
  if (type.group === "policy" && type.plural === "poddisruptionbudgets") causes.push(...pdbCauses(object.spec));
  return causes;
}
