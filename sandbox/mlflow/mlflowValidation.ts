/**
 * MLflow's input rules for the registry, with their wording: mlflow/utils/validation.py
 * @001cc178 (_validate_model_name, _validate_model_version, _validate_tag_name and the length
 * limits, _validate_model_alias_name) and model_version_stages.get_canonical_stage.
 */
import { invalidParameter } from "./mlflowError";
import { type Stage, stages } from "./mlflowSeed";

const maxTagKey = 250;
const maxTagValue = 5000;
// validation.py MAX_REGISTERED_MODEL_ALIAS_LENGTH (@001cc178).
const maxAliasLength = 255;
const validTagName = /^[/\w.\- ]*$/u;

export function canonicalStage(stage: string): Stage {
  const found = stages.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!found) throw invalidParameter(`Invalid Model Version stage: ${stage}. Value must be one of ${stages.join(", ")}.`);
  return found;
}

export function validateName(name: string): void {
  if (!name) throw invalidParameter("Registered model name cannot be empty.");
}

export function validateVersionNumber(version: string): number {
  if (!/^\s*[+-]?\d+\s*$/.test(version)) throw invalidParameter(`Model version must be an integer, got '${version}'`);
  return Number(version);
}

export function validateTag(key: string, value: string | undefined, what: "Registered model" | "Model version"): void {
  if (!validTagName.test(key)) throw invalidParameter(`Invalid tag name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`);
  const normalised = key.split("/").filter((p) => p !== "" && p !== ".");
  if (key === "" || key.startsWith("/") || key.split("/").some((p) => p === "..") || normalised.join("/") !== key) {
    throw invalidParameter(`Invalid tag name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such.`);
  }
  if (key.length > maxTagKey) throw invalidParameter(`${what} key '${key.slice(0, 250)}' had length ${key.length}, which exceeded length limit of ${maxTagKey}`);
  if (value !== undefined && value.length > maxTagValue) throw invalidParameter(`${what} value '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${maxTagValue}`);
}

/** validation.py _validate_model_alias_name. */
export function validateAlias(alias: string): void {
  if (!alias) throw invalidParameter("Registered model alias name cannot be empty.");
  // Python's \w on str matches letters and digits of any script (and _), as the /u classes do; len() counts code points.
  if (!/^[\p{L}\p{N}_-]*$/u.test(alias)) throw invalidParameter(`Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`);
  if ([...alias].length > maxAliasLength) throw invalidParameter(`Registered model alias name '${alias.slice(0, 250)}' had length ${[...alias].length}, which exceeded length limit of ${maxAliasLength}`);
  if (alias.toLowerCase() === "latest") throw invalidParameter("'latest' alias name (case insensitive) is reserved.");
  if (/^[vV]\p{Nd}+$/u.test(alias)) throw invalidParameter(`Version alias name '${alias}' is reserved.`);
}
