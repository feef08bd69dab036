// Export of what the panel shows: the same SVG as `vnet graph`, with the theme's colours resolved (a file
// opened outside VS Code has no --vscode-* variables), and a PNG drawn from that SVG on a canvas.

import type { DiagramLayout } from '../src/diagram/layout';
import { renderDiagram } from '../src/diagram/render';
import { serializeSvg } from '../src/diagram/svg-tree';
import { PALETTE_VARIABLES } from '../src/diagram/theme';
import type { TraceOverlay } from '../src/diagram/trace-overlay';

/** The palette as the panel resolves it right now, pinned as CSS for the exported file. */
function resolvedPaletteCss(rendered: Element | null): string {
  if (!rendered) return '';
  const style = getComputedStyle(rendered);
  const declarations = PALETTE_VARIABLES
    .map((name) => [name, style.getPropertyValue(name).trim()] as const)
    .filter(([, value]) => value && !/[{};<>]/.test(value))
    .map(([name, value]) => `${name}: ${value};`);
  return declarations.length ? `\nsvg.vnet-diagram { ${declarations.join(' ')} }\n` : '';
}

export function exportSvgText(layout: DiagramLayout, rendered: Element | null, trace: TraceOverlay | null = null): string {
  const svg = serializeSvg(renderDiagram(layout, { standalone: true, extraCss: resolvedPaletteCss(rendered), trace }));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}

function utf8Base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Browsers refuse canvases much past 16k pixels a side. */
const MAX_CANVAS_SIDE = 16000;

export async function exportPngBase64(svgText: string, width: number, height: number): Promise<string> {
  const scale = Math.max(0.1, Math.min(2, MAX_CANVAS_SIDE / Math.max(width, 1), MAX_CANVAS_SIDE / Math.max(height, 1)));
  const image = new Image();
  image.decoding = 'async';
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the SVG could not be drawn as an image'));
  });
  image.src = `data:image/svg+xml;base64,${utf8Base64(svgText)}`;
  await loaded;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas is available');
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  const url = canvas.toDataURL('image/png');
  return url.slice(url.indexOf(',') + 1);
}
