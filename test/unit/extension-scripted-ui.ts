// A Ui that answers from a script, for running the extension's commands without VS Code. Input answers go
// through the box's own validator, as typing does: an answer the validator refuses is recorded (with the
// message the user would see) and the next answer in the list is typed instead, so a test can show that a
// bad value is refused as you type before a good one is accepted.

import assert from 'node:assert/strict';
import type { InputOptions, PickItem, PickOptions, TerminalSpec, Ui } from '../../src/extension/ui';

export type Answer =
  | { pick: string | ((labels: string[]) => string) }
  | { input: string | string[] }
  | { confirm: boolean }
  | { dismiss: true };

export interface Refusal {
  prompt: string;
  text: string;
  message: string;
}

export class ScriptedUi implements Ui {
  readonly asked: string[] = [];
  readonly refusals: Refusal[] = [];
  readonly messages: { level: 'info' | 'warn' | 'error'; text: string }[] = [];
  readonly confirmations: { message: string; detail: string }[] = [];
  readonly terminals: TerminalSpec[] = [];
  readonly documents: { title: string; text: string }[] = [];
  readonly copied: string[] = [];
  readonly progressTitles: string[] = [];
  logShown = 0;
  /** What info/warn/error answer (e.g. 'Adopt and Apply…'); undefined dismisses. */
  messageChoice: (text: string, actions: string[]) => string | undefined = () => undefined;

  constructor(private readonly answers: Answer[] = []) {}

  /** More answers for what the command asks next. */
  push(...answers: Answer[]): void {
    this.answers.push(...answers);
  }

  get remaining(): number {
    return this.answers.length;
  }

  private next(kind: string, what: string): Answer {
    this.asked.push(`${kind}: ${what}`);
    const answer = this.answers.shift();
    assert.ok(answer, `the command asked "${what}" (${kind}) but the script has no answer left; asked so far:\n${this.asked.join('\n')}`);
    return answer;
  }

  async pick<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T | undefined> {
    const answer = this.next('pick', `${options.title} — ${options.placeholder ?? ''}`);
    if ('dismiss' in answer) return undefined;
    assert.ok('pick' in answer, `expected a pick answer for "${options.title}", got ${JSON.stringify(answer)}`);
    const labels = items.map((i) => i.label);
    const wanted = typeof answer.pick === 'function' ? answer.pick(labels) : answer.pick;
    const item = items.find((i) => i.label === wanted);
    assert.ok(item, `no item "${wanted}" in "${options.title}"; items: ${labels.join(' | ')}`);
    return item.value;
  }

  async input(options: InputOptions): Promise<string | undefined> {
    const answer = this.next('input', `${options.title} — ${options.prompt}`);
    if ('dismiss' in answer) return undefined;
    assert.ok('input' in answer, `expected an input answer for "${options.prompt}", got ${JSON.stringify(answer)}`);
    const attempts = Array.isArray(answer.input) ? answer.input : [answer.input];
    for (const text of attempts) {
      const message = options.validate?.(text);
      if (message === undefined) return text;
      this.refusals.push({ prompt: options.prompt, text, message });
    }
    assert.fail(`every answer to "${options.prompt}" was refused: ${this.refusals.slice(-attempts.length).map((r) => r.message).join(' / ')}`);
  }

  async confirm(message: string, detail: string): Promise<boolean> {
    this.confirmations.push({ message, detail });
    const answer = this.next('confirm', message);
    assert.ok('confirm' in answer, `expected a confirm answer for "${message}", got ${JSON.stringify(answer)}`);
    return answer.confirm;
  }

  async progress<T>(title: string, task: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T> {
    this.progressTitles.push(title);
    return task(new AbortController().signal, () => undefined);
  }

  async info(text: string, ...actions: string[]): Promise<string | undefined> {
    this.messages.push({ level: 'info', text });
    return this.messageChoice(text, actions);
  }

  async warn(text: string, ...actions: string[]): Promise<string | undefined> {
    this.messages.push({ level: 'warn', text });
    return this.messageChoice(text, actions);
  }

  async error(text: string, ...actions: string[]): Promise<string | undefined> {
    this.messages.push({ level: 'error', text });
    return this.messageChoice(text, actions);
  }

  showLog(): void {
    this.logShown++;
  }

  async copy(text: string): Promise<void> {
    this.copied.push(text);
  }

  openTerminal(spec: TerminalSpec): void {
    this.terminals.push(spec);
  }

  async showDocument(title: string, text: string): Promise<void> {
    this.documents.push({ title, text });
  }

  errors(): string[] {
    return this.messages.filter((m) => m.level === 'error').map((m) => m.text);
  }
}
