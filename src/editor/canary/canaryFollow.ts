import * as vscode from "vscode";
import { describeCanaryProgress, type CanaryState } from "../../core/deploy/canary/canaryState";
import type { CanaryResult } from "../../core/deploy/canary/canaryRun";
import { showUserMessage } from "../commands/commandRunner";
import { explainAuditWriteFailure } from "../explain";
import { withAbortSignal } from "../lifecycle";
import { canaryNotice, type CanaryService } from "./canaryNotice";

/**
 * A canary run (runCanary after a deploy, resumeCanary from its row) under a cancellable progress
 * notification that shows its step and analysis as the annotation does. Cancelling stops only our
 * following: the state stays on the object, and the message says how to resume.
 */
export async function followCanary(
  service: CanaryService,
  action: string,
  log: vscode.LogOutputChannel,
  run: (signal: AbortSignal, onProgress: (state: CanaryState) => void) => Promise<CanaryResult>,
): Promise<CanaryResult> {
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Canary of ${service.name}`, cancellable: true }, (progress, token) =>
    withAbortSignal(token, (signal) => {
      let last = "";
      return run(signal, (state) => {
        const text = describeCanaryProgress(state);
        if (text === last) return;
        last = text;
        progress.report({ message: text });
        log.info(`${service.namespace}/${service.name}: ${text}`);
      });
    }),
  );
  for (const recorded of result.audit) {
    if (recorded.audit.ok) log.info(`Audit: canary record ${recorded.audit.seq}.`);
    else {
      log.error(`Audit: ${recorded.audit.error}`);
      void showUserMessage(explainAuditWriteFailure(recorded.audit.error));
    }
    for (const w of recorded.warnings) log.warn(`Audit: ${w}`);
  }
  const notice = canaryNotice(result, service, action);
  log.info(`${service.namespace}/${service.name}: canary ${result.kind}: ${notice.message.text}`);
  void showUserMessage(notice.message, notice.severity);
  return result;
}
