import * as vscode from "vscode";

export type FilterChoice = { readonly kind: "filter"; readonly text: string } | { readonly kind: "clear" };

type Item = vscode.QuickPickItem & { readonly choice: FilterChoice };

/** The items for what is typed so far: the typed text first, then recent filters that contain it, then Clear. */
export function filterItems(typed: string, input: { readonly current: string | undefined; readonly recent: readonly string[]; readonly preview: (text: string) => string }): Item[] {
  const text = typed.trim();
  const items: Item[] = [];
  if (text !== "") items.push({ label: `$(filter) ${text}`, description: input.preview(text), alwaysShow: true, choice: { kind: "filter", text } });
  for (const r of input.recent) {
    if (r === text || (text !== "" && !r.toLowerCase().includes(text.toLowerCase()))) continue;
    items.push({ label: `$(history) ${r}`, description: r === input.current ? "current" : input.preview(r), choice: { kind: "filter", text: r } });
  }
  if (input.current !== undefined) items.push({ label: "$(clear-all) Clear the filter", description: `now: ${input.current}`, alwaysShow: true, choice: { kind: "clear" } });
  return items;
}

/**
 * Filter Models…: type a part of a name (a name search) or an MLflow filter such as
 * `tags.team = 'search'`; recent filters are offered as you type. Each item shows the filter the
 * registry will get. Undefined when dismissed.
 */
export function pickModelsFilter(input: { readonly current: string | undefined; readonly recent: readonly string[]; readonly preview: (text: string) => string }): Promise<FilterChoice | undefined> {
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = "Filter Models";
  pick.placeholder = "Part of a model name, or an MLflow filter (name LIKE 'fraud%', tags.team = 'search')";
  pick.value = input.current ?? "";
  // The typed text is the first item; VS Code's own matching would hide it behind its label.
  pick.matchOnDescription = false;
  pick.items = filterItems(pick.value, input);
  return new Promise((resolve) => {
    let done = false;
    const finish = (choice: FilterChoice | undefined): void => {
      if (done) return;
      done = true;
      resolve(choice);
      pick.dispose();
    };
    pick.onDidChangeValue((value) => {
      pick.items = filterItems(value, input);
    });
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      if (chosen) finish(chosen.choice);
      else if (pick.value.trim() !== "") finish({ kind: "filter", text: pick.value.trim() });
    });
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}
