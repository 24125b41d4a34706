import { describe, expect, test } from "vitest";
import { contentSecurityPolicy, createNonce, webviewHtml } from "../../../../src/editor/panels/webviewHtml";

const cspSource = "https://file+.vscode-resource.vscode-cdn.net";
const base = "https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview";
const render = (nonce?: string): string =>
  webviewHtml({ cspSource, scriptUri: `${base}/latency.js`, styleUri: `${base}/latency.css`, codiconUri: `${base}/codicon.css`, title: "Latency: llama <chat>", nonce });

function cspOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  expect(content).toBeDefined();
  return new Map(
    content!
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  );
}

describe("webview HTML", () => {
  test("the CSP allows nothing by default, scripts only by this render's nonce, styles and fonts only from the webview's origin", () => {
    const html = render("A".repeat(32));
    const csp = cspOf(html);
    expect(csp.get("default-src")).toEqual(["'none'"]);
    expect(csp.get("script-src")).toEqual([`'nonce-${"A".repeat(32)}'`]);
    expect(csp.get("style-src")).toEqual([cspSource]);
    expect(csp.get("font-src")).toEqual([cspSource]);
    expect(csp.get("img-src")).toEqual([cspSource, "data:"]);
    expect(html).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  test("every script carries the nonce and loads the bundle; there is no inline script or style", () => {
    const nonce = createNonce();
    const html = render(nonce);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toContain(`nonce="${nonce}"`);
    expect(scripts[0]![1]).toContain(`src="${base}/latency.js"`);
    expect(scripts[0]![2]).toBe("");
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });

  test("the codicon stylesheet is linked under the id vscode-icon looks for", () => {
    expect(render()).toContain(`<link rel="stylesheet" href="${base}/codicon.css" id="vscode-codicon-stylesheet">`);
    expect(render()).toContain(`<link rel="stylesheet" href="${base}/latency.css">`);
  });

  test("the title is escaped", () => {
    expect(render()).toContain("<title>Latency: llama &#60;chat&#62;</title>");
  });

  test("nonces are 32 alphanumerics and differ on every render", () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce));
    expect(nonces.size).toBe(50);
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(cspOf(render()).get("script-src")).not.toEqual(cspOf(render()).get("script-src"));
  });

  test("contentSecurityPolicy is the one the HTML carries", () => {
    expect(contentSecurityPolicy("vscode-webview://x", "n")).toBe("default-src 'none'; script-src 'nonce-n'; style-src vscode-webview://x; font-src vscode-webview://x; img-src vscode-webview://x data:");
  });
});
