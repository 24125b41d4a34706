/**
 * Kubernetes resource quantities ("500m", "16Gi", "1e3", "2"), parsed to plain numbers.
 *
 * We do not use `quantityToScalar` from @kubernetes/client-node: it throws on input it does not
 * know, returns a bigint for some suffixes, and rejects valid quantities such as "1.5Gi".
 * Grammar: k8s.io/apimachinery/pkg/api/resource/quantity.go (parseQuantityString, ParseQuantity)
 * and suffix.go (interpret):
 *   <quantity>     ::= <signedNumber><suffix>
 *   <number>       ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 *   <suffix>       ::= Ki | Mi | Gi | Ti | Pi | Ei | n | u | m | "" | k | M | G | T | P | E | e<signedInt> | E<signedInt>
 * The scanner below follows parseQuantityString step by step, including its leniencies ("1.G"
 * and "1." mean 1G and 1). One deliberate difference: the documented grammar's <number> needs
 * a digit, while the scanner reads a number with none ("Gi", "k", "+", ".") as 0 through its
 * int64 fast path; we refuse those, as they are a mistake rather than a request for nothing.
 */

const binary: Readonly<Record<string, number>> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};

const decimal: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** Why a string is not a quantity, in apimachinery's three error kinds. */
export type QuantityFormatError =
  /** ErrFormatWrong: not `<signedNumber><suffix>` at all. */
  | "format"
  /** ErrSuffix: well formed, but the suffix is none of the known ones (e.g. "K", "Gb", "e"). */
  | "suffix"
  /** ErrNumeric: no digits where the number should be (e.g. "Gi"). */
  | "numeric";

export type ScannedQuantity =
  | { readonly ok: true; readonly value: number; readonly negative: boolean; readonly format: "DecimalSI" | "BinarySI" | "DecimalExponent" }
  | { readonly ok: false; readonly error: QuantityFormatError };

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/** apimachinery's ParseQuantity, up to the value (as a float; exactness is not needed here). */
export function scanQuantity(str: string): ScannedQuantity {
  if (str.length === 0) return { ok: false, error: "format" };
  let pos = 0;
  const end = str.length;
  let negative = false;
  if (str[0] === "-" || str[0] === "+") {
    negative = str[0] === "-";
    pos++;
  }
  const numberStart = pos;
  while (pos < end && isDigit(str[pos])) pos++;
  let digits = pos - numberStart;
  if (pos < end && str[pos] === ".") {
    pos++;
    const denomStart = pos;
    while (pos < end && isDigit(str[pos])) pos++;
    digits += pos - denomStart;
  }
  const numberText = str.slice(numberStart, pos);
  const suffixStart = pos;
  while (pos < end && "eEinumkKMGTP".includes(str[pos] ?? "")) pos++;
  if (pos < end && (str[pos] === "-" || str[pos] === "+")) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) return { ok: false, error: "format" };
  const suffix = str.slice(suffixStart);

  let exponent10 = 0;
  let exponent2 = 0;
  let format: "DecimalSI" | "BinarySI" | "DecimalExponent";
  if (suffix in decimal) {
    exponent10 = decimal[suffix] ?? 0;
    format = "DecimalSI";
  } else if (suffix in binary) {
    exponent2 = binary[suffix] ?? 0;
    format = "BinarySI";
  } else if (suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E") && /^[+-]?\d+$/.test(suffix.slice(1))) {
    exponent10 = Number(suffix.slice(1));
    format = "DecimalExponent";
  } else {
    return { ok: false, error: "suffix" };
  }
  if (digits === 0) return { ok: false, error: "numeric" };
  const magnitude = Number(numberText);
  const value = magnitude === 0 ? 0 : exponent2 > 0 ? magnitude * 2 ** exponent2 : magnitude * 10 ** exponent10;
  return { ok: true, value: negative && value !== 0 ? -value : value, negative: negative && value !== 0, format };
}

/** The quantity's value in base units (cores, bytes, devices), or undefined when it is not a quantity. */
export function parseQuantity(quantity: string | number | undefined): number | undefined {
  if (quantity === undefined) return undefined;
  if (typeof quantity === "number") return Number.isFinite(quantity) ? quantity : undefined;
  const scanned = scanQuantity(quantity.trim());
  return scanned.ok && Number.isFinite(scanned.value) ? scanned.value : undefined;
}

/** What a resource request or limit may not be, beyond the grammar. */
export type ResourceQuantityProblem =
  | { readonly kind: "not-a-quantity"; readonly error: QuantityFormatError }
  | { readonly kind: "negative" }
  /** Beyond what the scheduler's int64 arithmetic holds (MilliValue for CPU, Value for bytes). */
  | { readonly kind: "too-large"; readonly max: number }
  | { readonly kind: "not-whole" };

const maxInt64 = 2 ** 63 - 1;

/**
 * A container request or limit as the API server's validation sees it: a quantity
 * (ValidateResourceQuantityValue), not negative (ValidateNonnegativeQuantity), a whole number
 * for extended resources such as nvidia.com/gpu, and small enough that kubelet and the
 * scheduler can count it in int64 milli-units (CPU) or units (bytes, devices): "1e309" parses
 * as a quantity but overflows every one of them.
 */
export function checkResourceQuantity(quantity: string | number, unit: "cpu" | "bytes" | "devices"): ResourceQuantityProblem | undefined {
  let value: number;
  if (typeof quantity === "number") {
    if (!Number.isFinite(quantity)) return { kind: "too-large", max: unit === "cpu" ? maxInt64 / 1000 : maxInt64 };
    value = quantity;
  } else {
    const scanned = scanQuantity(quantity);
    if (!scanned.ok) return { kind: "not-a-quantity", error: scanned.error };
    value = scanned.value;
  }
  if (value < 0) return { kind: "negative" };
  const max = unit === "cpu" ? maxInt64 / 1000 : maxInt64;
  if (!Number.isFinite(value) || value > max) return { kind: "too-large", max };
  if (unit === "devices" && Math.abs(Math.round(value) - value) > 1e-9) return { kind: "not-whole" };
  return undefined;
}

/**
 * A count of devices (an extended resource such as nvidia.com/gpu). The API server only accepts
 * whole numbers for extended resources, so anything else (or a negative) is treated as unknown.
 */
export function parseDeviceCount(quantity: string | number | undefined): number | undefined {
  const value = parseQuantity(quantity);
  if (value === undefined || value < 0) return undefined;
  // "1000m" is a valid way to write 1; round away float noise from the milli multiplier.
  const rounded = Math.round(value);
  return Math.abs(rounded - value) < 1e-9 ? rounded : undefined;
}
