// The layout worker: the same webview bundle, started from a blob: URL, running in a worker. It answers
// LayoutRequests with laid-out diagrams; elk runs here, never on the UI thread.

import { buildDiagramModel } from '../src/diagram/build-model';
import { createElkEngine } from '../src/diagram/elk-engine';
import { layoutDiagram } from '../src/diagram/layout';
import { allElements } from '../src/diagram/model';
import type { LayoutRequest, LayoutResponse } from './layout-messages';

export interface WorkerScope {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
}

export async function answerLayoutRequest(request: LayoutRequest, elk = createElkEngine()): Promise<LayoutResponse> {
  try {
    const model = buildDiagramModel(request.input);
    const layout = await layoutDiagram(model, elk, { order: request.order });
    return { id: request.id, layout, ids: allElements(model).map((e) => e.id) };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

export function startLayoutWorker(scope: WorkerScope): void {
  // Creating elk first matters: loading its worker code in a worker installs elk's own onmessage, which
  // this then replaces with ours (elk runs in-thread here, through its in-process "fake worker").
  const elk = createElkEngine();
  let queue = Promise.resolve();
  scope.onmessage = (event: MessageEvent) => {
    const request = event.data as LayoutRequest;
    queue = queue.then(async () => scope.postMessage(await answerLayoutRequest(request, elk)));
  };
}
