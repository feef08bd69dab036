// Messages between the webview's UI thread and its layout worker. The worker builds the diagram model and
// runs elk; the UI thread only draws, so it stays responsive while a big lab is laid out.

import type { DiagramLayout } from '../src/diagram/layout';
import type { DiagramInput } from '../src/model/protocol';

export interface LayoutRequest {
  id: number;
  input: DiagramInput;
  order: string[];
}

export type LayoutResponse =
  | { id: number; layout: DiagramLayout; ids: string[] }
  | { id: number; error: string };
