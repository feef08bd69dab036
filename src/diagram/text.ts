// Text as the diagram draws it. Sizes are estimated, not measured: the layout runs in Node (vnet graph) and
// in a worker (no DOM), and both must get the same picture. The diagram uses a monospace font, so a fixed
// advance per character is close; wide (CJK) characters count double.

import { printable } from '../model/names';

// Advance and line height of the 11px monospace font the diagram is drawn in (theme.ts).
const CHAR_WIDTH = 6.7;
export const LINE_HEIGHT = 14;
/** Longer names are cut with an ellipsis in the drawing; the details pane shows them whole. */
const MAX_LABEL_CHARS = 40;

function isWide(codePoint: number): boolean {
  return (codePoint >= 0x1100 && codePoint <= 0x115f) || (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) || (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) || (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) || (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd);
}

export function textWidth(text: string): number {
  let columns = 0;
  for (const ch of text) columns += isWide(ch.codePointAt(0)!) ? 2 : 1;
  return columns * CHAR_WIDTH;
}

/** What the drawing shows for an untrusted string: control characters made visible, long text cut. */
export function displayText(text: string, max = MAX_LABEL_CHARS): string {
  const visible = printable(text);
  const chars = [...visible];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : visible;
}

export function linesWidth(lines: readonly string[]): number {
  return lines.reduce((max, line) => Math.max(max, textWidth(line)), 0);
}
