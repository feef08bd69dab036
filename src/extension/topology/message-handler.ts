// What the panel does with each message from its webview. The webview renders untrusted host data, so every
// message is checked (protocol guards) and a command runs only if the panel offered it for that element's
// kind. Pure of vscode: the panel host supplies the actions.

import { isFromWebviewMessage, type ContextMenus, type ElementRef, type SavedLayout } from '../../model/protocol';

export interface PanelActions {
  ready(): void;
  refresh(): void;
  revealInTree(element: ElementRef): Promise<void> | void;
  goToSource(element: ElementRef): Promise<void> | void;
  runCommand(command: string, element: ElementRef): Promise<void> | void;
  copy(text: string): Promise<void> | void;
  saveLayout(labKey: string, layout: SavedLayout): Promise<void> | void;
  exportSvg(text: string): Promise<void> | void;
  exportPng(bytes: Uint8Array): Promise<void> | void;
  log(message: string): void;
  /** Asks for the rest of a trace question (source too when null), then draws the trace. */
  traceFrom(element: ElementRef | null): Promise<void> | void;
  clearTrace(): void;
}

export interface PanelContext {
  labKey: string;
  menus: ContextMenus;
}

export async function handlePanelMessage(message: unknown, context: PanelContext, actions: PanelActions): Promise<void> {
  if (!isFromWebviewMessage(message)) {
    actions.log(`Topology panel: ignored a malformed message from the webview (${describe(message)}).`);
    return;
  }
  switch (message.type) {
    case 'ready': return actions.ready();
    case 'refresh': return actions.refresh();
    case 'revealInTree': return actions.revealInTree(message.element);
    case 'goToSource': return actions.goToSource(message.element);
    case 'command': {
      const offered = context.menus[message.element.kind]?.some((m) => m.command === message.command) ?? false;
      if (!offered) {
        actions.log(`Topology panel: refused command ${message.command} for a ${message.element.kind}: it is not in that element's menu.`);
        return;
      }
      return actions.runCommand(message.command, message.element);
    }
    case 'copy': return actions.copy(message.text);
    case 'saveLayout':
      if (message.labKey !== context.labKey) return;
      return actions.saveLayout(message.labKey, message.layout);
    case 'export':
      if (message.format === 'svg') return actions.exportSvg(message.text);
      return actions.exportPng(Uint8Array.from(Buffer.from(message.base64, 'base64')));
    case 'error': return actions.log(message.message);
    case 'traceFrom': return actions.traceFrom(message.element);
    case 'clearTrace': return actions.clearTrace();
  }
}

function describe(message: unknown): string {
  if (typeof message === 'object' && message !== null && 'type' in message) return `type ${JSON.stringify(String((message as { type: unknown }).type)).slice(0, 40)}`;
  return typeof message;
}
