// Topology → SVG, the whole way: what `vnet graph` calls, and what the webview's worker and UI call in parts.

import type { DiagramInput, SavedLayout } from '../model/protocol';
import { buildDiagramModel } from './build-model';
import { layoutDiagram, type DiagramLayout, type ElkEngine } from './layout';
import { renderDiagram } from './render';
import { serializeSvg } from './svg-tree';
import { applyOffsets } from './user-positions';
import { buildTraceOverlay } from './trace-overlay';
import type { TraceResult } from '../trace/types';

export interface TopologySvg {
  svg: string;
  layout: DiagramLayout;
}

/** Lays out and draws a diagram as a standalone SVG document, with the user's saved positions if given. */
export async function renderTopologySvg(
  input: DiagramInput,
  options: { elk?: ElkEngine; saved?: SavedLayout | null; signal?: AbortSignal; trace?: TraceResult | null } = {},
): Promise<TopologySvg> {
  const model = buildDiagramModel(input);
  // elk is loaded only when something is drawn: every `vnet` command would otherwise pay for it at start-up.
  const elk = options.elk ?? (await import('./elk-engine.js')).createElkEngine();
  const base = await layoutDiagram(model, elk, { order: options.saved?.order, signal: options.signal });
  const layout = applyOffsets(base, options.saved?.offsets ?? {});
  const trace = options.trace ? buildTraceOverlay(model, options.trace) : null;
  const svg = `<?xml version="1.0" encoding="UTF-8"?>\n${serializeSvg(renderDiagram(layout, { standalone: true, trace }))}\n`;
  return { svg, layout };
}
