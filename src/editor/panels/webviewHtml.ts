/**
 * The HTML every dashboard webview starts from. Nothing runs or styles the page but the bundles
 * named here: CSP `default-src 'none'`, scripts only with this render's nonce, styles, fonts and
 * images only from the webview's own resource origin (never 'unsafe-inline').
 */
import { randomInt } from "node:crypto";

const nonceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** 32 random alphanumerics, new for every render, as in VS Code's webview sample. */
export function createNonce(): string {
  let nonce = "";
  for (let i = 0; i < 32; i++) nonce += nonceAlphabet[randomInt(nonceAlphabet.length)];
  return nonce;
}

export interface WebviewHtmlOptions {
  /** webview.cspSource. */
  readonly cspSource: string;
  /** webview.asWebviewUri(...) of the app bundle, the app's stylesheet and the codicon stylesheet, as strings. */
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconUri: string;
  readonly title: string;
  readonly nonce?: string;
}

/** Every attribute here is double-quoted, so the CSP's 'none' and 'nonce-…' stay readable. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join("; ");
}

export function webviewHtml(o: WebviewHtmlOptions): string {
  const nonce = o.nonce ?? createNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(o.title)}</title>
<link rel="stylesheet" href="${escapeHtml(o.codiconUri)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}
