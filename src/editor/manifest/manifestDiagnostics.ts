import * as path from "node:path";
import * as vscode from "vscode";
import { manifestFileNames } from "../../core/manifest/manifestFileName";
import type { ParsedManifest, SourceRange } from "../../core/manifest/parseManifest";
import type { PolicyFinding } from "../../core/policy/policyEvaluator";
import { KeyedDebounce } from "./keyedDebounce";
import { loadManifestParser } from "./manifestParser";

export function isManifestDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === "file" && manifestFileNames.includes(path.basename(doc.uri.fsPath));
}

const toRange = (r: SourceRange): vscode.Range => new vscode.Range(r.line - 1, r.column - 1, r.endLine - 1, r.endColumn - 1);

/**
 * The Problems panel for service manifests: schema problems live as the file is typed; policy
 * findings from the last check or deploy stay until the manifest changes or is checked again.
 * Each finding names its rule (the diagnostic code) and how to fix it.
 */
export class ManifestDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection("aiplatform");
  private readonly policy = new Map<string, vscode.Diagnostic[]>();
  private readonly subscriptions: vscode.Disposable[];
  /** Per document: editing two manifests quickly validates both. */
  private readonly debounce = new KeyedDebounce<string>(200);

  constructor() {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => void this.validate(d)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!isManifestDocument(e.document)) return;
        const key = e.document.uri.toString();
        this.policy.delete(key);
        this.debounce.schedule(key, () => void this.validate(e.document));
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.debounce.cancel(d.uri.toString());
        this.policy.delete(d.uri.toString());
        this.collection.delete(d.uri);
      }),
    ];
    for (const d of vscode.workspace.textDocuments) void this.validate(d);
  }

  /** Schema problems of the document, published; returns how many there are. */
  async validate(doc: vscode.TextDocument): Promise<number> {
    if (!isManifestDocument(doc)) return 0;
    const { parseManifest } = await loadManifestParser();
    // The text as it is now: an edit may have come in while the parser loaded.
    return this.publish(doc, parseManifest(doc.getText()));
  }

  /** Policy findings for the document, placed on the manifest fields they are about. */
  async setPolicyFindings(doc: vscode.TextDocument, env: string, findings: readonly PolicyFinding[]): Promise<void> {
    const { parseManifest } = await loadManifestParser();
    const parsed = parseManifest(doc.getText());
    const diagnostics = findings.map((f) => {
      const severity = f.severity === "error" ? vscode.DiagnosticSeverity.Error : f.severity === "warning" ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
      const d = new vscode.Diagnostic(toRange(parsed.locate(f.manifestPath)), `${f.message} (${env}). Fix: ${f.fixHint}`, severity);
      d.source = "aiplatform policy";
      d.code = f.ruleId;
      return d;
    });
    this.policy.set(doc.uri.toString(), diagnostics);
    if (isManifestDocument(doc)) this.publish(doc, parsed);
  }

  /** Schema problems from one parse, with the policy findings kept for the document. */
  private publish(doc: vscode.TextDocument, parsed: ParsedManifest): number {
    const schema = parsed.ok
      ? []
      : parsed.problems.map((p) => {
          const d = new vscode.Diagnostic(toRange(p.range), p.message, vscode.DiagnosticSeverity.Error);
          d.source = "aiplatform";
          d.code = "schema";
          return d;
        });
    this.collection.set(doc.uri, [...schema, ...(this.policy.get(doc.uri.toString()) ?? [])]);
    return schema.length;
  }

  dispose(): void {
    this.debounce.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
