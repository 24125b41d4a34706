/**
 * The slice of the 'vscode' API the tree providers render with, faked for unit tests
 * (vi.mock("vscode")): tree items, icons, Markdown tooltips and the change event a view listens to.
 */
type Listener<T> = (e: T) => unknown;

export class FakeEventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class FakeMarkdownString {
  constructor(public value = "") {}
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
}

export class FakeTreeItem {
  id?: string;
  description?: string;
  tooltip?: string | FakeMarkdownString;
  iconPath?: unknown;
  contextValue?: string;
  accessibilityInformation?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState: number,
  ) {}
}

export const fakeTreeVscode = {
  EventEmitter: FakeEventEmitter,
  MarkdownString: FakeMarkdownString,
  TreeItem: FakeTreeItem,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: class {
    constructor(
      readonly id: string,
      readonly color?: unknown,
    ) {}
  },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
};
