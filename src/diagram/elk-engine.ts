// The elk instance the diagram is laid out with. elk.bundled.js runs the layout in the calling thread: in
// Node (`vnet graph`) that is the CLI, in the webview it is the layout worker, never the UI thread.

import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkEngine } from './layout';

export function createElkEngine(): ElkEngine {
  return new ELK();
}
