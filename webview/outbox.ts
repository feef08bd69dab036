// Messages from the panel to the extension. Drags and refreshes save the layout often; a save waits a
// moment and is replaced by a newer one, so the extension hears the last of a burst. Other messages go at once.

import type { FromWebviewMessage } from '../src/model/protocol';

const SAVE_DELAY_MS = 400;

export class Outbox {
  private pendingSave: FromWebviewMessage | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (message: FromWebviewMessage) => void) {}

  post(message: FromWebviewMessage): void {
    if (message.type !== 'saveLayout') {
      this.send(message);
      return;
    }
    this.pendingSave = message;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      if (this.pendingSave) this.send(this.pendingSave);
      this.pendingSave = null;
    }, SAVE_DELAY_MS);
  }
}
