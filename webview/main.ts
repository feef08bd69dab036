// Entry of the webview bundle (dist/webview.js). The same file runs twice: in the panel, where it starts the
// UI, and in the layout worker the UI starts from a blob: URL of this very script, where it lays out. The
// Reachability Matrix panel runs it too, marked by a `vnet-view` meta tag.

import { startApp } from './app';
import { startLayoutWorker, type WorkerScope } from './layout-worker';
import { startMatrixApp } from './matrix-app';

if (typeof document === 'undefined') {
  startLayoutWorker(self as unknown as WorkerScope);
} else if (document.querySelector('meta[name="vnet-view"]')?.getAttribute('content') === 'matrix') {
  // The Reachability Matrix panel loads the same bundle (one webview script to build and ship).
  startMatrixApp();
} else {
  // Read now: document.currentScript is only set while the script first runs.
  const script = document.currentScript as HTMLScriptElement | null;
  startApp(script?.src ?? null);
}
