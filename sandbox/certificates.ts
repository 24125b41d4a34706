/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1 and localhost,
 * so kubectl and client-node verify TLS against the sandbox exactly as against a real cluster.
 * @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect polyfill.
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

export interface SandboxCertificates {
  /** PEM, the certificate-authority-data of the kubeconfig. */
  caCert: string;
  /** PEM, presented by the HTTPS server. */
  serverCert: string;
  /** PEM (PKCS#8), the server's private key. */
  serverKey: string;
}

const ecdsa = { name: "ECDSA", namedCurve: "P-256" } as const;
const signing = { name: "ECDSA", hash: "SHA-256" } as const;

function pem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${base64}-----END ${label}-----\n`;
}

export async function createSandboxCertificates(now = new Date()): Promise<SandboxCertificates> {
  // The library's Crypto type is the DOM's; Node's webcrypto implements it.
  x509.cryptoProvider.set("default", webcrypto);
  const crypto = webcrypto;
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000);

  const caKeys = await crypto.subtle.generateKey(ecdsa, true, ["sign", "verify"]);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=ai-platform-sandbox-ca",
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: signing,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const serverKeys = await crypto.subtle.generateKey(ecdsa, true, ["sign", "verify"]);
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: "02",
    subject: "CN=kube-apiserver",
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: signing,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "dns", value: "localhost" },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  return {
    caCert: ca.toString("pem"),
    serverCert: server.toString("pem"),
    serverKey: pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", serverKeys.privateKey)),
  };
}
