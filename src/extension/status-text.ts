// The words of the status-bar item for the active host. Pure.

import { hostTitle, type HostView } from './host-state';
import { iconSafe, plainText } from './text-safety';

/** Text, tooltip and colour of the item for a host (or none). Exported for tests of the wording. */
export function statusText(view: HostView | undefined): { text: string; tooltip: string; warning: boolean } {
  if (!view) return { text: '$(server) VNet: no host', tooltip: 'No active host. Click to pick one, or add one with "VNet: Add Host…".', warning: false };
  const name = iconSafe(hostTitle(view.entry));
  const state = view.connection.state;
  const icon = state === 'connected' ? '$(server)' : state === 'error' ? '$(error)' : '$(loading~spin)';
  const detail = state === 'error' ? `error: ${view.connection.message.split('\n')[0]}` : state === 'idle' ? 'not connected yet' : state;
  return {
    text: `${icon} ${name}`,
    tooltip: plainText(`VNet active host: ${hostTitle(view.entry)} (${detail}). Click to pick another.`),
    warning: state === 'error',
  };
}
