import * as vscode from "vscode";
import type { Health } from "../../core/kube/workloads/workloadHealth";

/** Health as a codicon in a theme colour, the same in every tree. */
export function healthIcon(health: Health): vscode.ThemeIcon {
  switch (health) {
    case "Healthy":
      return new vscode.ThemeIcon("pass-filled", new vscode.ThemeColor("testing.iconPassed"));
    case "Progressing":
      return new vscode.ThemeIcon("sync", new vscode.ThemeColor("charts.blue"));
    case "Degraded":
      return new vscode.ThemeIcon("warning", new vscode.ThemeColor("problemsWarningIcon.foreground"));
    case "Failed":
      return new vscode.ThemeIcon("error", new vscode.ThemeColor("problemsErrorIcon.foreground"));
    case "Unknown":
      return new vscode.ThemeIcon("question", new vscode.ThemeColor("disabledForeground"));
  }
}

/** Markdown with user text escaped, so names and messages cannot inject links or commands. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
