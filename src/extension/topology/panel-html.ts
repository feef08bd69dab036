// The topology panel's HTML: a strict Content Security Policy with a per-load nonce, one stylesheet and one
// script, both nonce'd, and no inline handlers. The UI itself is built by the script (webview/); the only
// names in this markup, the title and the source key, are escaped. Pure (no vscode import), tested directly.

import { DIAGRAM_CSS } from '../../diagram/theme';
import { PANEL_CSS } from '../../../webview/panel-css';

export interface PanelHtmlParts {
  /** webview.cspSource: where the panel may load its own resources from. */
  cspSource: string;
  nonce: string;
  /** asWebviewUri(dist/webview.js), as a string. */
  scriptUri: string;
  title: string;
  /** The panel's source key (source-key.ts), kept by the webview so that a reload can open it again. */
  sourceKey: string;
  /** Which UI the bundle starts: the topology (default) or the Reachability Matrix. */
  view?: 'topology' | 'matrix';
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A fresh nonce per page load: 128 random bits, base64url. */
export function createNonce(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(16));
  return Buffer.from(bytes).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} blob: data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    // The layout worker is started from a blob: URL of the panel's own script, fetched from cspSource.
    'worker-src blob:',
    `connect-src ${cspSource}`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function buildPanelHtml(parts: PanelHtmlParts): string {
  if (!/^[A-Za-z0-9_-]{16,}$/.test(parts.nonce)) throw new Error('the nonce must be at least 16 base64url characters');
  const csp = contentSecurityPolicy(parts.cspSource, parts.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="vnet-source" content="${escapeHtml(parts.sourceKey)}">
<meta name="vnet-view" content="${parts.view ?? 'topology'}">
<title>${escapeHtml(parts.title)}</title>
<style nonce="${parts.nonce}">${DIAGRAM_CSS}${PANEL_CSS}</style>
</head>
<body>
<script nonce="${parts.nonce}" src="${escapeHtml(parts.scriptUri)}"></script>
</body>
</html>
`;
}
