/**
 * The slice of the 'vscode' API the panel hosts use, faked for unit tests (vi.mock("vscode")):
 * webview panels that record what the host posts and let a test play the webview's side.
 */
type Listener<T> = (e: T) => unknown;

class Emitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  get count(): number {
    return this.listeners.length;
  }
}

export class FakeUri {
  constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(p: string): FakeUri {
    return new FakeUri("file", p);
  }
  static joinPath(base: FakeUri, ...parts: string[]): FakeUri {
    return new FakeUri(base.scheme, [base.path, ...parts].join("/").replace(/\/+/g, "/"));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

export class FakeWebviewPanel {
  readonly posted: unknown[] = [];
  readonly receive = new Emitter<unknown>();
  readonly viewState = new Emitter<{ webviewPanel: FakeWebviewPanel }>();
  readonly disposed = new Emitter<void>();
  visible = true;
  isDisposed = false;
  reveals = 0;
  readonly webview = {
    options: {} as unknown,
    html: "",
    cspSource: "https://webview.test",
    asWebviewUri: (uri: FakeUri): string => `https://webview.test${uri.path}`,
    postMessage: (m: unknown): Promise<boolean> => {
      this.posted.push(m);
      return Promise.resolve(this.visible);
    },
    onDidReceiveMessage: this.receive.event,
  };
  readonly onDidChangeViewState = this.viewState.event;
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly viewType: string,
    public title: string,
    readonly options: unknown,
  ) {}

  /** The webview posts a message to the host. */
  send(message: unknown): void {
    this.receive.fire(message);
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.viewState.fire({ webviewPanel: this });
  }

  reveal(): void {
    this.reveals++;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.disposed.fire();
  }

  /** Messages posted so far, by type. */
  types(): string[] {
    return this.posted.map((m) => (m as { type: string }).type);
  }
}

export interface FakeVscodeState {
  panels: FakeWebviewPanel[];
  serializers: Map<string, { deserializeWebviewPanel(panel: FakeWebviewPanel, state: unknown): Promise<void> }>;
  saveDialogAnswer: FakeUri | undefined;
  saveDialogOptions: unknown[];
  written: { uri: FakeUri; text: string }[];
  commands: { id: string; args: unknown[] }[];
  infoMessages: string[];
}

export const fake: FakeVscodeState = {
  panels: [],
  serializers: new Map(),
  saveDialogAnswer: undefined,
  saveDialogOptions: [],
  written: [],
  commands: [],
  infoMessages: [],
};

export function resetFake(): void {
  fake.panels = [];
  fake.serializers = new Map();
  fake.saveDialogAnswer = undefined;
  fake.saveDialogOptions = [];
  fake.written = [];
  fake.commands = [];
  fake.infoMessages = [];
}

export const fakeVscode = {
  Uri: FakeUri,
  ViewColumn: { Active: -1 },
  window: {
    createWebviewPanel: (viewType: string, title: string, _column: unknown, options: unknown): FakeWebviewPanel => {
      const p = new FakeWebviewPanel(viewType, title, options);
      fake.panels.push(p);
      return p;
    },
    registerWebviewPanelSerializer: (viewType: string, serializer: FakeVscodeState["serializers"] extends Map<string, infer S> ? S : never) => {
      fake.serializers.set(viewType, serializer);
      return { dispose: () => fake.serializers.delete(viewType) };
    },
    showSaveDialog: (options: unknown): Promise<FakeUri | undefined> => {
      fake.saveDialogOptions.push(options);
      return Promise.resolve(fake.saveDialogAnswer);
    },
    showInformationMessage: (text: string): Promise<undefined> => {
      fake.infoMessages.push(text);
      return Promise.resolve(undefined);
    },
  },
  workspace: {
    workspaceFolders: [{ uri: FakeUri.file("/work/project") }],
    fs: {
      writeFile: (uri: FakeUri, bytes: Uint8Array): Promise<void> => {
        fake.written.push({ uri, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes) });
        return Promise.resolve();
      },
    },
  },
  commands: {
    executeCommand: (id: string, ...args: unknown[]): Promise<undefined> => {
      fake.commands.push({ id, args });
      return Promise.resolve(undefined);
    },
  },
};

/** A LogOutputChannel that keeps its lines. */
export function fakeLog(): { warn(m: string): void; error(m: string): void; info(m: string): void; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    info: (m) => lines.push(`info ${m}`),
  };
}
