/**
 * MLflow's rules for a registered model alias, checked before asking the server so Set Alias…
 * can say what is wrong while the name is typed. Copied from mlflow/mlflow@9eeeff414d119c7df72b10da3dda8daf000d85ea
 * mlflow/utils/validation.py (`_validate_model_alias_name`, `_REGISTERED_MODEL_ALIAS_REGEX`,
 * `_REGISTERED_MODEL_ALIAS_VERSION_REGEX`, `MAX_REGISTERED_MODEL_ALIAS_LENGTH`).
 */

export const maxModelAliasLength = 255;

export type ModelAliasProblem =
  | { readonly kind: "empty" }
  | { readonly kind: "bad-characters"; readonly alias: string }
  | { readonly kind: "too-long"; readonly length: number; readonly max: number }
  | { readonly kind: "reserved-latest" }
  | { readonly kind: "reserved-version"; readonly alias: string };

// Python's `\w` on str is Unicode-aware (letters and numbers of any script, and `_`), so `^[\w\-]*$`
// accepts "модель-1"; the /u classes say the same. Python's `$` also matches before one trailing
// newline, which the server then stores; a name with a newline is refused here because no one means it.
const aliasCharacters = /^[\p{L}\p{N}_-]*$/u;
// Python's `\d` on str is any decimal digit (category Nd), as \p{Nd} is.
const versionAlias = /^[vV]\p{Nd}+$/u;

/** undefined when MLflow would accept the alias; the checks run in MLflow's order, so the first problem is the server's. */
export function checkModelAliasName(alias: string): ModelAliasProblem | undefined {
  if (alias === "") return { kind: "empty" };
  if (!aliasCharacters.test(alias)) return { kind: "bad-characters", alias };
  // len() in Python counts code points, not UTF-16 units.
  const length = [...alias].length;
  if (length > maxModelAliasLength) return { kind: "too-long", length, max: maxModelAliasLength };
  if (alias.toLowerCase() === "latest") return { kind: "reserved-latest" };
  if (versionAlias.test(alias)) return { kind: "reserved-version", alias };
  return undefined;
}
