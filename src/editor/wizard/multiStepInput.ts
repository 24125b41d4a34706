import * as vscode from "vscode";

/**
 * A QuickPick/InputBox wizard with a Back button on every step after the first, in the shape
 * of VS Code's own multi-step samples: each step is a function that asks one thing and
 * returns the next step. Escape cancels the whole wizard; Back re-runs the previous step with
 * what was entered before.
 */
export type WizardStep<S> = (input: MultiStepInput, state: S) => Promise<WizardStep<S> | undefined>;

class BackSignal extends Error {}
class CancelSignal extends Error {}

export interface PickOptions<T extends vscode.QuickPickItem> {
  readonly title: string;
  readonly placeholder: string;
  readonly items: readonly T[];
  readonly activeItem?: T | undefined;
  /** Extra buttons on the input (Back is added automatically). */
  readonly buttons?: readonly vscode.QuickInputButton[];
}

export interface InputOptions {
  readonly title: string;
  readonly prompt: string;
  readonly value: string;
  readonly placeholder?: string;
  /** Returns an error message, or undefined when the value is acceptable. */
  readonly validate: (value: string) => string | undefined;
}

export class MultiStepInput {
  private readonly history: WizardStep<unknown>[] = [];
  private current: vscode.QuickInput | undefined;
  /** How many prompts the person answered, Back steps included: the ship bench reads it. */
  prompts = 0;

  constructor(private readonly totalSteps: number) {}

  /** Runs the wizard; resolves true when it ran to the end, false when cancelled. */
  async run<S>(first: WizardStep<S>, state: S): Promise<boolean> {
    let step: WizardStep<S> | undefined = first;
    try {
      while (step) {
        this.history.push(step as WizardStep<unknown>);
        try {
          step = await step(this, state);
        } catch (err) {
          if (err instanceof BackSignal) {
            this.history.pop();
            step = this.history.pop();
            continue;
          }
          if (err instanceof CancelSignal) return false;
          throw err;
        }
      }
      return true;
    } finally {
      this.current?.dispose();
    }
  }

  get stepNumber(): number {
    return this.history.length;
  }

  pick<T extends vscode.QuickPickItem>(options: PickOptions<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pick = vscode.window.createQuickPick<T>();
      this.show(pick, options.title);
      pick.placeholder = options.placeholder;
      pick.items = options.items;
      pick.matchOnDescription = true;
      pick.matchOnDetail = true;
      if (options.activeItem) pick.activeItems = [options.activeItem];
      pick.buttons = [...(this.history.length > 1 ? [vscode.QuickInputButtons.Back] : []), ...(options.buttons ?? [])];
      const subscriptions: vscode.Disposable[] = [];
      const end = (finish: () => void): void => {
        for (const s of subscriptions) s.dispose();
        finish();
      };
      subscriptions.push(
        pick.onDidTriggerButton((b) => {
          if (b === vscode.QuickInputButtons.Back) end(() => reject(new BackSignal()));
        }),
        pick.onDidAccept(() => {
          const chosen = pick.selectedItems[0];
          if (!chosen) return;
          this.prompts++;
          end(() => resolve(chosen));
        }),
        pick.onDidHide(() => end(() => reject(new CancelSignal()))),
      );
    });
  }

  input(options: InputOptions): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const box = vscode.window.createInputBox();
      this.show(box, options.title);
      box.prompt = options.prompt;
      box.value = options.value;
      box.placeholder = options.placeholder;
      box.buttons = this.history.length > 1 ? [vscode.QuickInputButtons.Back] : [];
      box.validationMessage = options.value ? options.validate(options.value) : undefined;
      const subscriptions: vscode.Disposable[] = [];
      const end = (finish: () => void): void => {
        for (const s of subscriptions) s.dispose();
        finish();
      };
      subscriptions.push(
        box.onDidTriggerButton((b) => {
          if (b === vscode.QuickInputButtons.Back) end(() => reject(new BackSignal()));
        }),
        box.onDidChangeValue((v) => {
          box.validationMessage = options.validate(v.trim());
        }),
        box.onDidAccept(() => {
          const value = box.value.trim();
          const problem = options.validate(value);
          box.validationMessage = problem;
          if (problem) return;
          this.prompts++;
          end(() => resolve(value));
        }),
        box.onDidHide(() => end(() => reject(new CancelSignal()))),
      );
    });
  }

  private show(input: vscode.QuickInput, title: string): void {
    // The previous step's input is replaced, not hidden first: hiding would read as a cancel.
    const previous = this.current;
    this.current = input;
    input.title = title;
    input.step = this.history.length;
    input.totalSteps = this.totalSteps;
    input.ignoreFocusOut = true;
    input.show();
    previous?.dispose();
  }
}
