// What the commands need from the editor, as a small interface: pickers, input boxes with validation,
// modal confirmations, progress, notifications, terminals and read-only documents. vscode-ui.ts implements
// it with the VS Code API; tests implement it with scripted answers, so that the command logic runs
// against real hosts without VS Code.

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

export interface PickOptions {
  title: string;
  placeholder?: string;
}

export interface InputOptions {
  title: string;
  prompt: string;
  placeholder?: string;
  value?: string;
  /** Checked as the user types: a message says what is wrong, undefined accepts. */
  validate?: (text: string) => string | undefined;
}

export interface TerminalSpec {
  /** The terminal tab's name. */
  name: string;
  /** The program and its arguments, run without a local shell in between. */
  shellPath: string;
  shellArgs: string[];
  /** The same, as one line for the log. */
  commandLine: string;
}

export interface Prompter {
  /** Undefined when the user dismissed the picker. */
  pick<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T | undefined>;
  /** Undefined when the user dismissed the box; otherwise text the validator accepted. */
  input(options: InputOptions): Promise<string | undefined>;
  /** A modal dialog; true only when the user chose `action`. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
}

export interface Ui extends Prompter {
  /** Runs work under a cancellable progress notification; the signal aborts when the user cancels. */
  progress<T>(title: string, task: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T>;
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  warn(message: string, ...actions: string[]): Promise<string | undefined>;
  error(message: string, ...actions: string[]): Promise<string | undefined>;
  showLog(): void;
  copy(text: string): Promise<void>;
  openTerminal(spec: TerminalSpec): void;
  /** Shows text in a read-only editor (a plan). */
  showDocument(title: string, text: string): Promise<void>;
}
