// Entry of the webview bundle (dist/webview.js). The same file runs twice: in the panel, where it starts the
// UI, and in the layout worker the UI starts from a blob: URL of this very script, where it lays out.

import { startApp } from './app';
import { startLayoutWorker, type WorkerScope } from './layout-worker';

if (typeof document === 'undefined') {
  startLayoutWorker(self as unknown as WorkerScope);
} else {
  // Read now: document.currentScript is only set while the script first runs.
  const script = document.currentScript as HTMLScriptElement | null;
  startApp(script?.src ?? null);
}
