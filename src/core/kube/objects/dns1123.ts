/**
 * RFC 1123 names as Kubernetes validates them (k8s.io/apimachinery/pkg/util/validation:
 * IsDNS1123Label, IsDNS1123Subdomain): one source for every name we check before it reaches a
 * path, a manifest or the API server.
 */

/** A DNS-1123 label: namespaces, Service names, most object names. At most 63 characters. */
export const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const dns1123LabelMaxLength = 63;

/** A DNS-1123 subdomain: dot-separated labels, at most 253 characters (Deployment and ConfigMap names). */
export const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const dns1123SubdomainMaxLength = 253;

export function isDns1123Label(name: string): boolean {
  return name.length <= dns1123LabelMaxLength && dns1123Label.test(name);
}

export function isDns1123Subdomain(name: string): boolean {
  return name.length <= dns1123SubdomainMaxLength && dns1123Subdomain.test(name);
}

const qualifiedNamePart = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * A label or annotation key (apimachinery's IsQualifiedName): an optional DNS-1123 subdomain
 * prefix and "/", then a name of at most 63 letters, digits, '-', '_' and '.'.
 */
export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  return (prefix === undefined || (prefix.length > 0 && isDns1123Subdomain(prefix))) && name.length <= 63 && qualifiedNamePart.test(name);
}
