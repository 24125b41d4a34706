/**
 * Kubernetes resource quantities ("500m", "16Gi", "1e3", "2"), parsed to plain numbers.
 *
 * We do not use `quantityToScalar` from @kubernetes/client-node: it throws on input it does not
 * know, returns a bigint for some suffixes, and rejects valid quantities such as "1.5Gi".
 * Grammar: k8s.io/apimachinery/pkg/api/resource/quantity.go
 *   <quantity> ::= <signedNumber><suffix>
 *   <suffix>   ::= Ki | Mi | Gi | Ti | Pi | Ei | n | u | m | "" | k | M | G | T | P | E | e<signedNumber> | E<signedNumber>
 */

const binary: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const decimal: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const shape = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/;

/** The quantity's value in base units (cores, bytes, devices), or undefined when it is not a quantity. */
export function parseQuantity(quantity: string | number | undefined): number | undefined {
  if (quantity === undefined) return undefined;
  if (typeof quantity === "number") return Number.isFinite(quantity) ? quantity : undefined;
  const match = shape.exec(quantity.trim());
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[2] ?? "";
  const multiplier = binary[suffix] ?? decimal[suffix] ?? (/^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : undefined);
  if (multiplier === undefined || !Number.isFinite(number)) return undefined;
  return number * multiplier;
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
