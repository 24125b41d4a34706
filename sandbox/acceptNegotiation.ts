/**
 * Accept negotiation for the sandbox's JSON-only API server. client-go clients configured for
 * protobuf (Prometheus' kubernetes_sd, kube-state-metrics, controllers) send
 * `Accept: application/vnd.kubernetes.protobuf, *\/*` or `..., application/json` and fall back to
 * whatever Content-Type the answer has; a client that accepts protobuf only gets 406, with the
 * real server's reason and wording (apiserver/pkg/endpoints/handlers/negotiation/errors.go).
 */
import { ApiError } from "./apiStatus";

/** What the sandbox can write. The real server adds application/yaml and application/vnd.kubernetes.protobuf. */
const served = ["application/json"];

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.split(",")) {
    const [mediaType = "", ...params] = part.split(";").map((s) => s.trim());
    const [type, subtype] = mediaType.toLowerCase().split("/");
    if (!type || !subtype) continue;
    const qParam = params.find((p) => /^q\s*=/i.test(p));
    const q = qParam === undefined ? 1 : Number(qParam.split("=")[1]);
    ranges.push({ type, subtype, q: Number.isFinite(q) ? q : 0 });
  }
  return ranges;
}

/**
 * Whether an Accept header lets the server answer application/json: no header, or a range that
 * matches it (application/json with any parameters, application/*, *\/*) with q > 0. As in
 * RFC 9110 §12.5.1, the most specific matching range decides, so `application/json;q=0, *\/*` refuses JSON.
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === "") return true;
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return true;
  const specificity = (r: MediaRange): number => (r.type === "application" && r.subtype === "json" ? 2 : r.type === "application" && r.subtype === "*" ? 1 : r.type === "*" && r.subtype === "*" ? 0 : -1);
  let best: MediaRange | undefined;
  for (const r of ranges) {
    const s = specificity(r);
    if (s < 0) continue;
    if (!best || s > specificity(best) || (s === specificity(best) && r.q > best.q)) best = r;
  }
  return best !== undefined && best.q > 0;
}

/** Throws the real server's 406 when the client cannot take JSON. */
export function requireJsonAcceptable(accept: string | undefined): void {
  if (!acceptsJson(accept)) {
    throw new ApiError(406, "NotAcceptable", `only the following media types are accepted: ${served.join(", ")}`);
  }
}
