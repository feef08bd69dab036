// The panel's own chrome (toolbar, details pane, menu), in VS Code's colours. Loaded by the panel host in a
// nonce'd <style> together with the diagram's stylesheet (src/diagram/theme.ts).

export const PANEL_CSS = `
html, body { height: 100%; margin: 0; padding: 0; overflow: hidden; }
body { display: flex; flex-direction: column; color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
.vnet-toolbar { display: flex; gap: 4px; align-items: center; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border, transparent); flex-wrap: wrap; }
.vnet-toolbar button, .vnet-details-actions button { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground);
  border: 1px solid var(--vscode-button-border, transparent); padding: 2px 8px; cursor: pointer; border-radius: 2px; }
.vnet-toolbar button:hover, .vnet-details-actions button:hover { background: var(--vscode-button-secondaryHoverBackground); }
.vnet-toolbar input { color: var(--vscode-input-foreground); background: var(--vscode-input-background);
  border: 1px solid var(--vscode-input-border, transparent); padding: 2px 6px; min-width: 14em; }
.vnet-toolbar input:focus, button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.vnet-status { margin-left: auto; color: var(--vscode-descriptionForeground); }
.vnet-status.error { color: var(--vscode-errorForeground); }
.vnet-count { color: var(--vscode-descriptionForeground); min-width: 5em; }
.vnet-main { flex: 1; display: flex; min-height: 0; }
.vnet-canvas { flex: 1; min-width: 0; cursor: grab; touch-action: none; user-select: none; }
.vnet-canvas.panning { cursor: grabbing; }
.vnet-canvas [data-kind="namespace"], .vnet-canvas [data-kind="bridge"], .vnet-canvas [data-kind="outside"] { cursor: move; }
.vnet-canvas .vnet-port, .vnet-canvas .vnet-link, .vnet-canvas .vnet-line.vnet-el { cursor: pointer; }
.vnet-details { width: 280px; overflow: auto; padding: 8px 12px; border-left: 1px solid var(--vscode-panel-border, transparent);
  background: var(--vscode-sideBar-background); }
.vnet-details h2 { font-size: 1.1em; margin: 4px 0; word-break: break-all; }
.vnet-details h3 { font-size: 1em; margin: 12px 0 4px; }
.vnet-details-kind, .vnet-hint { color: var(--vscode-descriptionForeground); }
.vnet-details dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; margin: 8px 0; }
.vnet-details dt { color: var(--vscode-descriptionForeground); }
.vnet-details dd { margin: 0; word-break: break-all; font-family: var(--vscode-editor-font-family); }
.vnet-details-title.status-only-host { color: var(--vscode-editorWarning-foreground); }
.vnet-details-title.status-differs { color: var(--vscode-editorInfo-foreground); }
.vnet-details-title.status-only-file { opacity: 0.75; }
.vnet-details-actions { display: flex; gap: 6px; flex-wrap: wrap; margin-top: 12px; }
.vnet-menu { position: fixed; z-index: 10; display: flex; flex-direction: column; min-width: 180px; padding: 4px 0;
  color: var(--vscode-menu-foreground); background: var(--vscode-menu-background); border: 1px solid var(--vscode-menu-border, var(--vscode-widget-border, transparent));
  box-shadow: 0 2px 8px var(--vscode-widget-shadow, rgba(0,0,0,.3)); }
/* display:flex above would override the hidden attribute. */
.vnet-menu[hidden] { display: none; }
.vnet-menu button { text-align: left; color: inherit; background: none; border: none; padding: 4px 16px; cursor: pointer; font: inherit; }
.vnet-menu button:hover, .vnet-menu button:focus { color: var(--vscode-menu-selectionForeground); background: var(--vscode-menu-selectionBackground); outline: none; }
.vnet-toolbar button:disabled { opacity: 0.5; cursor: default; }
.vnet-trace-pane { margin-bottom: 12px; padding-bottom: 8px; border-bottom: 1px solid var(--vscode-panel-border, transparent); }
.vnet-trace-title.trace-reachable { color: var(--vscode-testing-iconPassed); }
.vnet-trace-title.trace-dropped, .vnet-trace-drop-reason { color: var(--vscode-errorForeground); }
.vnet-trace-rule { display: block; word-break: break-all; font-family: var(--vscode-editor-font-family); margin: 4px 0; }
.vnet-trace-assumed { color: var(--vscode-editorWarning-foreground); }
.vnet-trace-hops { margin: 4px 0; padding-left: 1.6em; }
.vnet-trace-hop { text-align: left; color: inherit; background: none; border: none; padding: 1px 0; cursor: pointer; font: inherit; overflow-wrap: anywhere; }
.vnet-trace-hop:hover { text-decoration: underline; }
.vnet-trace-hop.trace-reply { font-style: italic; }
.vnet-matrix-legend { padding: 0 8px; color: var(--vscode-descriptionForeground); }
.vnet-matrix-wrap { overflow: auto; padding: 8px; }
.vnet-matrix { border-collapse: collapse; font-family: var(--vscode-editor-font-family); }
.vnet-matrix th, .vnet-matrix td { border: 1px solid var(--vscode-panel-border, rgba(128,128,128,.35)); padding: 2px 6px; text-align: center; }
.vnet-matrix th { font-weight: normal; color: var(--vscode-descriptionForeground); white-space: nowrap; }
.vnet-matrix-self { background: var(--vscode-editorWidget-background); }
.vnet-matrix-cell { color: inherit; background: none; border: none; cursor: pointer; font: inherit; min-width: 3em; }
.vnet-matrix-cell:disabled { cursor: default; opacity: 0.6; }
.vnet-matrix-cell.outcome-reachable { color: var(--vscode-testing-iconPassed); }
.vnet-matrix-cell.outcome-dropped { color: var(--vscode-errorForeground); }
.vnet-matrix-cell.outcome-uncertain { color: var(--vscode-editorWarning-foreground); }
.vnet-matrix-cell.disagrees { outline: 2px solid var(--vscode-editorWarning-foreground); }
.vnet-notice { padding: 4px 8px; color: var(--vscode-editorWarning-foreground); }
`;
