/**
 * The webview's one link to its host: the VS Code API handle (acquired once, kept private), the
 * typed message channel and the persisted state, each checked against the dashboard's contract.
 */
import type { z } from "zod";
import { parseIncoming } from "./incomingMessage";

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): unknown;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi throws when called a second time, so every bridge shares this one handle. */
let api: VsCodeApi | undefined;
function vscodeApi(): VsCodeApi {
  return (api ??= acquireVsCodeApi());
}

export interface WebviewContract<FromWebview, ToWebview, State> {
  readonly fromWebview: z.ZodType<FromWebview>;
  readonly toWebview: z.ZodType<ToWebview>;
  readonly state: z.ZodType<State>;
}

export class WebviewBridge<FromWebview, ToWebview, State> {
  constructor(private readonly contract: WebviewContract<FromWebview, ToWebview, State>) {}

  post(message: FromWebview): void {
    vscodeApi().postMessage(message);
  }

  /** Calls `handler` with every host message that parses; returns the unsubscribe. */
  listen(handler: (message: ToWebview) => void): () => void {
    const onMessage = (event: MessageEvent<unknown>): void => {
      const message = parseIncoming(this.contract.toWebview, event.data, (text) => console.warn(text));
      if (message !== undefined) handler(message);
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }

  /** What setState kept, if it still matches the contract (an older build may have written it). */
  getState(): State | undefined {
    const state = vscodeApi().getState();
    if (state === undefined || state === null) return undefined;
    return parseIncoming(this.contract.state, state, (text) => console.warn(`Ignored the saved state. ${text}`));
  }

  setState(state: State): void {
    vscodeApi().setState(state);
  }
}
