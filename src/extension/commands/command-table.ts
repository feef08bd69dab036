// What each command does, by id. Loaded on the first command (activate() stays lean); every handler runs
// under reportFailures, so a failure is a message that says what happened and what to do. Free of vscode.

import { VnetError } from '../../model/errors';
import type { CommandId } from './command-ids';
import { addAddress, addBridge, addMasquerade, addNamespace, addPortForward, addRoute, toggleForwarding, toggleInterfaceState } from './create-flows';
import { addHost, copyText, exportHost, refresh, removeHost, retry, selectActiveHost } from './host-commands';
import { applyLab, destroyLab, planLab } from './lab-commands';
import { compareWithFile, showDrift, type DriftContext } from './drift-command';
import {
  removeAddress, removeBridge, removeInterface, removeNamespace, removeNatRule, removeRoute, removeVethPair,
} from './remove-flows';
import { targetOf } from './resolve';
import { reportFailures } from './run-operation';
import { capture, openShell, ping } from './terminal-flows';
import { addVethPair } from './veth-wizard';
import { captureAlongTrace, captureOnInterface, stopCapture } from '../capture/capture-flows';
import type { CaptureFaces } from '../capture/capture-faces';
import { clearImpairment, impairLink } from './impair-flows';

export interface ExtensionCommandContext extends DriftContext {
  /** Opens the topology panel for a host, a .vnet file, or what the user picks. */
  showTopology(arg: unknown): Promise<void>;
  /** Writes a new .vnet file into the labs folder and opens it. */
  saveLabFile(fileName: string, text: string): Promise<void>;
  /** "Trace to…" from a namespace or interface row (absent where there is no topology panel to draw on). */
  traceTo?(arg: unknown): Promise<void>;
  /** Opens the Reachability Matrix of a host. */
  showMatrix?(arg: unknown): Promise<void>;
  /** The status bar of captures to files; absent where no editor shows them (the capture commands refuse). */
  captureFaces?: CaptureFaces;
  /** Runs one `expect` of a .vnet file (its zero-based line) live on its host (the "Check on host…" lens). */
  testExpectation?(arg: unknown, line: unknown): Promise<void>;
}

async function needs(feature: ((arg: unknown) => Promise<void>) | undefined, arg: unknown, what: string): Promise<void> {
  if (!feature) throw new VnetError('VN-NOT-AVAILABLE', `${what} needs the topology panel, which this window does not have. Reload the window.`);
  await feature(arg);
}

/** `more`: the arguments after the first, for the commands a code lens calls with several. */
type Handler = (ctx: ExtensionCommandContext, arg: unknown, more: unknown[]) => Promise<void>;

const HANDLERS: Record<CommandId, Handler> = {
  'vnet.refresh': (ctx, arg) => refresh(ctx, targetOf(arg)),
  'vnet.addHost': (ctx) => addHost(ctx),
  'vnet.removeHost': (ctx, arg) => removeHost(ctx, targetOf(arg)),
  'vnet.retryHost': (ctx, arg) => retry(ctx, targetOf(arg)),
  'vnet.showLog': async (ctx) => ctx.ui.showLog(),
  'vnet.selectActiveHost': (ctx, arg) => selectActiveHost(ctx, targetOf(arg)),
  'vnet.addNamespace': (ctx, arg) => addNamespace(ctx, targetOf(arg)),
  'vnet.removeNamespace': (ctx, arg) => removeNamespace(ctx, targetOf(arg)),
  'vnet.addVethPair': (ctx, arg) => addVethPair(ctx, targetOf(arg)),
  'vnet.removeVethPair': (ctx, arg) => removeVethPair(ctx, targetOf(arg)),
  'vnet.addBridge': (ctx, arg) => addBridge(ctx, targetOf(arg)),
  'vnet.removeBridge': (ctx, arg) => removeBridge(ctx, targetOf(arg)),
  'vnet.removeInterface': (ctx, arg) => removeInterface(ctx, targetOf(arg)),
  'vnet.addAddress': (ctx, arg) => addAddress(ctx, targetOf(arg)),
  'vnet.removeAddress': (ctx, arg) => removeAddress(ctx, targetOf(arg)),
  'vnet.addRoute': (ctx, arg) => addRoute(ctx, targetOf(arg)),
  'vnet.removeRoute': (ctx, arg) => removeRoute(ctx, targetOf(arg)),
  'vnet.addMasquerade': (ctx, arg) => addMasquerade(ctx, targetOf(arg)),
  'vnet.addPortForward': (ctx, arg) => addPortForward(ctx, targetOf(arg)),
  'vnet.removeNatRule': (ctx, arg) => removeNatRule(ctx, targetOf(arg)),
  'vnet.toggleForwarding': (ctx, arg) => toggleForwarding(ctx, targetOf(arg)),
  'vnet.toggleInterfaceState': (ctx, arg) => toggleInterfaceState(ctx, targetOf(arg)),
  'vnet.openShell': (ctx, arg) => openShell(ctx, targetOf(arg)),
  'vnet.ping': (ctx, arg) => ping(ctx, targetOf(arg)),
  'vnet.capture': (ctx, arg) => capture(ctx, targetOf(arg)),
  'vnet.showTopology': (ctx, arg) => ctx.showTopology(arg),
  'vnet.showDrift': (ctx, arg) => showDrift(ctx, arg),
  'vnet.compareWithFile': (ctx, arg) => compareWithFile(ctx, targetOf(arg)),
  'vnet.plan': (ctx, arg) => planLab(ctx, arg),
  'vnet.apply': (ctx, arg) => applyLab(ctx, arg),
  'vnet.destroy': (ctx, arg) => destroyLab(ctx, arg),
  'vnet.exportHost': (ctx, arg) => exportHost(ctx, targetOf(arg), (name, text) => ctx.saveLabFile(name, text)),
  'vnet.copyName': (ctx, arg) => copyText(ctx, arg, 'copyName'),
  'vnet.copyAddress': (ctx, arg) => copyText(ctx, arg, 'copyAddress'),
  'vnet.traceTo': (ctx, arg) => needs(ctx.traceTo?.bind(ctx), arg, 'Trace to…'),
  'vnet.reachabilityMatrix': (ctx, arg) => needs(ctx.showMatrix?.bind(ctx), arg, 'The Reachability Matrix'),
  'vnet.captureToFile': async (ctx, arg) => { await captureOnInterface(ctx, targetOf(arg)); },
  'vnet.captureAlongTrace': async (ctx, arg) => { await captureAlongTrace(ctx, targetOf(arg)); },
  'vnet.stopCapture': (ctx) => stopCapture(ctx),
  'vnet.impairLink': (ctx, arg) => impairLink(ctx, targetOf(arg)),
  'vnet.clearImpairment': (ctx, arg) => clearImpairment(ctx, targetOf(arg)),
  'vnet.checkExpectationLive': async (ctx, arg, [line]) => {
    if (!ctx.testExpectation) throw new VnetError('VN-TEST-NOT-READY', 'The Testing view is not ready yet. Try again in a moment.');
    await ctx.testExpectation(arg, line);
  },
  'vnet.testLab': async (ctx, arg) => {
    if (!ctx.testLab) throw new VnetError('VN-TEST-NOT-READY', 'The Testing view is not ready yet. Try again in a moment.');
    await ctx.testLab(arg);
  },
};

export function runCommand(ctx: ExtensionCommandContext, id: CommandId, arg: unknown, more: unknown[] = []): Promise<void> {
  return reportFailures(ctx, () => HANDLERS[id](ctx, arg, more));
}

export function handledCommands(): string[] {
  return Object.keys(HANDLERS);
}
