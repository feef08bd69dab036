// The one handle on the VS Code webview API (acquireVsCodeApi may be called once per page).

import type { FromWebviewMessage } from '../src/model/protocol';
import type { WebviewMemory } from './controller';

export interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): WebviewMemory | undefined;
  setState(state: WebviewMemory): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

export function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}
