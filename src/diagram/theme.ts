// The diagram's colours, all from VS Code's theme variables, with fallbacks for an SVG seen outside VS Code
// (light by default, dark when the viewer prefers dark). The webview loads the same rules, where the
// --vscode-* variables exist and win; high contrast themes get heavier strokes.

/** The palette, as custom properties the rules below use. Exported so the webview can resolve them for export. */
export const PALETTE_VARIABLES = [
  '--vnet-bg', '--vnet-fg', '--vnet-muted', '--vnet-box', '--vnet-host', '--vnet-bridge', '--vnet-border',
  '--vnet-up', '--vnet-down', '--vnet-nat', '--vnet-only-file', '--vnet-only-host', '--vnet-only-host-fill',
  '--vnet-differs', '--vnet-select', '--vnet-match', '--vnet-font',
] as const;

const LIGHT = `
  --vnet-bg: var(--vscode-editor-background, #ffffff);
  --vnet-fg: var(--vscode-editor-foreground, #1f1f1f);
  --vnet-muted: var(--vscode-descriptionForeground, #616161);
  --vnet-box: var(--vscode-editorWidget-background, #f3f3f3);
  --vnet-host: var(--vscode-sideBar-background, #fafafa);
  --vnet-bridge: var(--vscode-badge-background, #c4c4c4);
  --vnet-border: var(--vscode-editorWidget-border, #a0a0a0);
  --vnet-up: var(--vscode-testing-iconPassed, #388a34);
  --vnet-down: var(--vscode-errorForeground, #c72e0f);
  --vnet-nat: var(--vscode-charts-purple, #8b47c4);
  --vnet-only-file: var(--vscode-descriptionForeground, #616161);
  --vnet-only-host: var(--vscode-editorWarning-foreground, #bf8803);
  --vnet-only-host-fill: var(--vscode-diffEditor-insertedTextBackground, rgba(191, 136, 3, 0.15));
  --vnet-differs: var(--vscode-editorInfo-foreground, #1a85ff);
  --vnet-select: var(--vscode-focusBorder, #0078d4);
  --vnet-match: var(--vscode-editor-findMatchHighlightBackground, rgba(234, 92, 0, 0.33));
  --vnet-font: var(--vscode-editor-font-family, ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace);`;

const DARK = `
  --vnet-bg: var(--vscode-editor-background, #1e1e1e);
  --vnet-fg: var(--vscode-editor-foreground, #d4d4d4);
  --vnet-muted: var(--vscode-descriptionForeground, #a0a0a0);
  --vnet-box: var(--vscode-editorWidget-background, #252526);
  --vnet-host: var(--vscode-sideBar-background, #1b1b1c);
  --vnet-bridge: var(--vscode-badge-background, #4d4d4d);
  --vnet-border: var(--vscode-editorWidget-border, #6b6b6b);
  --vnet-up: var(--vscode-testing-iconPassed, #73c991);
  --vnet-down: var(--vscode-errorForeground, #f48771);
  --vnet-nat: var(--vscode-charts-purple, #b180d7);
  --vnet-only-file: var(--vscode-descriptionForeground, #a0a0a0);
  --vnet-only-host: var(--vscode-editorWarning-foreground, #cca700);
  --vnet-only-host-fill: var(--vscode-diffEditor-insertedTextBackground, rgba(204, 167, 0, 0.18));
  --vnet-differs: var(--vscode-editorInfo-foreground, #3794ff);
  --vnet-select: var(--vscode-focusBorder, #007fd4);
  --vnet-match: var(--vscode-editor-findMatchHighlightBackground, rgba(234, 92, 0, 0.33));`;

export const DIAGRAM_CSS = `
.vnet-diagram {${LIGHT}
  font-family: var(--vnet-font); font-size: 11px;
}
@media (prefers-color-scheme: dark) { .vnet-diagram {${DARK} } }
body.vscode-dark .vnet-diagram, body.vscode-high-contrast:not(.vscode-high-contrast-light) .vnet-diagram {${DARK} }
body.vscode-light .vnet-diagram, body.vscode-high-contrast-light .vnet-diagram {${LIGHT} }
.vnet-diagram text { fill: var(--vnet-fg); font-family: var(--vnet-font); font-size: 11px; white-space: pre; }
.vnet-bg { fill: var(--vnet-bg); }
.vnet-frame { fill: var(--vnet-box); stroke: var(--vnet-border); stroke-width: 1; }
.vnet-host > .vnet-frame { fill: var(--vnet-host); stroke-width: 1.5; }
.vnet-bridge > .vnet-frame { fill: var(--vnet-bridge); }
.vnet-outside > .vnet-frame { fill: var(--vnet-bg); stroke-dasharray: 2 3; }
.vnet-line.role-title { font-weight: bold; }
.vnet-line.role-info, .vnet-line.role-address { fill: var(--vnet-muted); }
.vnet-line.role-nat { fill: var(--vnet-nat); }
.vnet-line.role-warning { fill: var(--vnet-only-host); }
.vnet-line.role-firewall { fill: var(--vnet-down); }
.vnet-fw-mark { stroke: none; }
.vnet-fw-mark.fw-blocked { fill: var(--vnet-down); }
.vnet-fw-mark.fw-filtered { fill: var(--vnet-only-host); }
.vnet-port > rect { fill: var(--vnet-bg); stroke: var(--vnet-up); stroke-width: 1.5; }
.vnet-port.state-down > rect { stroke: var(--vnet-down); }
.vnet-port.state-nocarrier > rect { stroke: var(--vnet-only-host); }
.vnet-port.role-dnat > rect, .vnet-port.role-egress > rect { stroke: var(--vnet-nat); }
.vnet-port.role-uplink > rect { stroke-width: 2.5; }
.vnet-port .vnet-addr { fill: var(--vnet-muted); }
.vnet-wire { fill: none; stroke: var(--vnet-up); stroke-width: 1.5; }
.vnet-link.state-down .vnet-wire { stroke: var(--vnet-down); stroke-dasharray: 1 3; }
.vnet-link.kind-dnat .vnet-wire, .vnet-link.kind-dnat-entry .vnet-wire { stroke: var(--vnet-nat); }
.vnet-link.kind-uplink .vnet-wire { stroke: var(--vnet-border); stroke-width: 2; }
.vnet-hit { fill: none; stroke: transparent; stroke-width: 10; }
.vnet-arrowhead { fill: var(--vnet-nat); }
.vnet-label > rect { fill: var(--vnet-bg); stroke: none; opacity: 0.9; }
.vnet-label > text { fill: var(--vnet-nat); }
.vnet-badge { fill: var(--vnet-differs); font-weight: bold; }
.status-only-file > .vnet-frame, .status-only-file > rect, .status-only-file .vnet-wire { stroke-dasharray: 6 4; stroke: var(--vnet-only-file); }
.status-only-file > text, .vnet-line.status-only-file { fill-opacity: 0.7; }
.status-only-host > .vnet-frame, .status-only-host > rect { stroke: var(--vnet-only-host); stroke-width: 2.5; fill: var(--vnet-only-host-fill); }
.status-only-host .vnet-wire { stroke: var(--vnet-only-host); stroke-width: 2.5; }
.vnet-line.status-only-host, .vnet-label.status-only-host > text { fill: var(--vnet-only-host); }
.status-differs > .vnet-frame, .status-differs > rect { stroke: var(--vnet-differs); stroke-width: 2; }
.status-differs .vnet-wire { stroke: var(--vnet-differs); }
.vnet-line.status-differs { fill: var(--vnet-differs); }
.vnet-legend text { fill: var(--vnet-muted); }
.vnet-legend rect { fill: var(--vnet-box); stroke: var(--vnet-border); }
.vnet-legend .status-only-file > rect { stroke: var(--vnet-only-file); stroke-dasharray: 6 4; }
.vnet-legend .status-only-host > rect { stroke: var(--vnet-only-host); stroke-width: 2.5; fill: var(--vnet-only-host-fill); }
.vnet-legend .status-differs > rect { stroke: var(--vnet-differs); stroke-width: 2; }
.selected > .vnet-frame, .selected > rect, .selected .vnet-wire { stroke: var(--vnet-select) !important; stroke-width: 3 !important; }
.vnet-line.selected { fill: var(--vnet-select); text-decoration: underline; }
.match > .vnet-frame, .match > rect { fill: var(--vnet-match) !important; }
.vnet-line.match { text-decoration: underline; fill: var(--vnet-select); }
.dimmed { opacity: 0.35; }
/* A trace drawn over the diagram (render-trace.ts): the request solid and wide, its reply dashed over it. */
.vnet-layer-trace { pointer-events: none; }
.vnet-trace-wire { fill: none; stroke-linecap: round; stroke-linejoin: round; }
.vnet-trace-wire.trace-request { stroke: var(--vnet-select); stroke-width: 7; stroke-opacity: 0.45; }
.vnet-trace-wire.trace-reply { stroke: var(--vnet-up); stroke-width: 2.5; stroke-dasharray: 6 4; }
.vnet-trace-port, .vnet-trace-box { fill: none; }
.vnet-trace-port.trace-request, .vnet-trace-box.trace-request { stroke: var(--vnet-select); stroke-width: 3; stroke-opacity: 0.7; }
.vnet-trace-port.trace-reply, .vnet-trace-box.trace-reply { stroke: var(--vnet-up); stroke-width: 2; stroke-dasharray: 5 3; }
.vnet-trace-drop-mark { fill: var(--vnet-down); stroke: var(--vnet-bg); stroke-width: 1.5; }
.vnet-trace-drop-cross { stroke: var(--vnet-bg); stroke-width: 2; }
.vnet-trace-drop-label { fill: var(--vnet-bg); stroke: var(--vnet-down); stroke-width: 1; opacity: 0.95; }
.vnet-diagram text.vnet-trace-drop-reason { fill: var(--vnet-down); font-weight: bold; }
body.vscode-high-contrast .vnet-frame, body.vscode-high-contrast .vnet-port > rect { stroke: var(--vscode-contrastBorder, #6fc3df); stroke-width: 2; }
body.vscode-high-contrast .vnet-wire { stroke-width: 2.5; }
body.vscode-high-contrast .selected > .vnet-frame { stroke: var(--vscode-contrastActiveBorder, #f38518) !important; }
`;
