// Multi-step quick inputs, as VS Code's own flows do them: each question shows "n/total" in its
// title bar and, after the first, VS Code's Back button; Escape cancels the whole flow. A step
// resolves with its answer, BACK, or undefined (Escape).
import * as vscode from 'vscode';

export const BACK = Symbol('back');
export type StepResult<T> = T | typeof BACK | undefined;

/** Where a question sits in its flow (a lone question has no step numbers). */
export interface StepFrame {
  title: string;
  step?: number;
  totalSteps?: number;
}

function frame(input: vscode.QuickInput, at: StepFrame): void {
  input.title = at.title;
  input.step = at.step;
  input.totalSteps = at.totalSteps;
  input.ignoreFocusOut = true;
}

/** What a step's button may do with its question while it works (e.g. open an editor). */
export interface StepControls {
  /** Takes the question off the screen without ending the step. */
  hide(): void;
  /** Shows it again. */
  show(): void;
}

/** A button of a step with what pressing it does (resolving the step, or not). */
export interface StepButton<T> {
  button: vscode.QuickInputButton;
  /** The step's result, or undefined to stay on the question. */
  run: (value: string, controls: StepControls) => StepResult<T> | Promise<StepResult<T>> | 'stay';
}

/** Runs a created quick input until it resolves; wires Back and the extra buttons. */
function runInput<T>(
  input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox,
  at: StepFrame,
  buttons: readonly StepButton<T>[],
  accept: (resolve: (r: StepResult<T>) => void) => void,
): Promise<StepResult<T>> {
  frame(input, at);
  input.buttons = [...((at.step ?? 0) > 1 ? [vscode.QuickInputButtons.Back] : []), ...buttons.map((b) => b.button)];
  return new Promise<StepResult<T>>((resolve) => {
    let done = false;
    let suspended = false;
    const controls: StepControls = {
      hide: () => {
        suspended = true;
        input.hide();
      },
      show: () => {
        input.show();
        suspended = false;
      },
    };
    const finish = (r: StepResult<T>): void => {
      if (done) return;
      done = true;
      resolve(r);
      input.dispose();
    };
    input.onDidTriggerButton(async (pressed) => {
      if (pressed === vscode.QuickInputButtons.Back) return finish(BACK);
      const extra = buttons.find((b) => b.button === pressed);
      if (!extra) return;
      const r = await extra.run(input.value, controls);
      if (r !== 'stay') finish(r);
    });
    // Escape (a button that hid the question on purpose is not an Escape).
    input.onDidHide(() => {
      if (!suspended) finish(undefined);
    });
    accept(finish);
    input.show();
  });
}

export interface PickStepOptions<I extends vscode.QuickPickItem> {
  items: readonly I[];
  placeholder: string;
  active?: I;
  /** Called as the highlighted item changes (e.g. a total that depends on it). */
  onActive?: (item: I, input: vscode.QuickPick<I>) => void;
}

export function pickStep<I extends vscode.QuickPickItem>(at: StepFrame, options: PickStepOptions<I>): Promise<StepResult<I>> {
  const qp = vscode.window.createQuickPick<I>();
  qp.items = options.items;
  qp.placeholder = options.placeholder;
  if (options.active) qp.activeItems = [options.active];
  if (options.onActive) qp.onDidChangeActive((items) => items[0] && options.onActive!(items[0], qp));
  return runInput<I>(qp as unknown as vscode.QuickPick<vscode.QuickPickItem>, at, [], (finish) =>
    qp.onDidAccept(() => {
      const picked = qp.selectedItems[0] ?? qp.activeItems[0];
      if (picked) finish(picked);
    }),
  );
}

export interface InputStepOptions<T> {
  value?: string;
  prompt: string;
  placeholder?: string;
  validate?: (value: string) => string | undefined;
  buttons?: readonly StepButton<T>[];
}

export function inputStep(at: StepFrame, options: InputStepOptions<string>): Promise<StepResult<string>> {
  const box = vscode.window.createInputBox();
  box.value = options.value ?? '';
  box.prompt = options.prompt;
  box.placeholder = options.placeholder;
  const check = (): void => {
    box.validationMessage = options.validate?.(box.value);
  };
  box.onDidChangeValue(check);
  return runInput<string>(box, at, options.buttons ?? [], (finish) =>
    box.onDidAccept(() => {
      check();
      if (!box.validationMessage) finish(box.value);
    }),
  );
}
