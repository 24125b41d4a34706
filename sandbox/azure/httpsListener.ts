/**
 * One HTTPS listener on 127.0.0.1 for each Azure host the sandbox plays (login, management,
 * the Prometheus query endpoint): separate origins, as in Azure, so a client that mixes them up
 * fails here too. stop() cuts keep-alive connections so tests end promptly.
 */
import { type IncomingMessage, type ServerResponse } from "node:http";
import { createServer } from "node:https";
import { type AddressInfo } from "node:net";
import { type SandboxCertificates } from "../certificates";

export interface HttpsListener {
  readonly url: string;
  stop(): Promise<void>;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export async function startHttpsListener(certificates: SandboxCertificates, handler: RequestHandler, port = 0): Promise<HttpsListener> {
  const server = createServer({ key: certificates.serverKey, cert: certificates.serverCert }, (request, response) => {
    handler(request, response).catch((e: unknown) => {
      // A bug in a fake must show up as a 500 the test sees, not as a hung request.
      if (!response.headersSent) response.writeHead(500, { "Content-Type": "text/plain" });
      response.end(`sandbox azure: ${(e as Error).stack ?? String(e)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function readRequestBody(request: IncomingMessage, limitBytes = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new Error(`request body over ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-cache", ...headers });
  response.end(text);
}
