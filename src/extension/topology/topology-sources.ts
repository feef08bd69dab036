// Ready-made sources for the topology panel: a .vnet file (desired), a host (live), and both (drift). The
// host side takes a reader function so that this file does not depend on how hosts are probed or watched.

import * as vscode from 'vscode';
import { compileVnet } from '../../language/index';
import { VnetError } from '../../model/errors';
import type { DiagramInput } from '../../model/protocol';
import type { Lab, Topology } from '../../model/topology';
import type { TopologySource } from './topology-panel';
import { sourceKey } from './source-key';

/** Reads a host's live network; the extension passes its probe (with its transport and output channel). */
export type ReadHost = (signal: AbortSignal) => Promise<Topology>;

async function readLab(uri: vscode.Uri): Promise<Lab> {
  // An open editor may hold unsaved edits: draw what the user sees.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const result = compileVnet(text);
  if (!result.lab) {
    const first = result.diagnostics.find((d) => d.severity === 'error');
    throw new VnetError('VN-GRAPH-INVALID', `${vscode.workspace.asRelativePath(uri)} declares no usable lab${first ? `: ${first.message}` : ''}. Fix the file and save it.`);
  }
  return result.lab;
}

function fileChanges(uri: vscode.Uri): vscode.Event<void> {
  return (listener, thisArgs, disposables) => {
    const same = (d: vscode.TextDocument) => d.uri.toString() === uri.toString();
    const subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => { if (same(e.document)) listener.call(thisArgs); }),
      vscode.workspace.onDidSaveTextDocument((d) => { if (same(d)) listener.call(thisArgs); }),
    ];
    const disposable = vscode.Disposable.from(...subscriptions);
    disposables?.push(disposable);
    return disposable;
  };
}

export function fileTopologySource(uri: vscode.Uri): TopologySource {
  return {
    key: sourceKey({ kind: 'file', uri: uri.toString() }),
    title: `Topology: ${vscode.workspace.asRelativePath(uri)}`,
    sourceUri: uri,
    onDidChange: fileChanges(uri),
    async load(): Promise<DiagramInput> {
      const lab = await readLab(uri);
      return { title: lab.name, hosts: lab.hosts.map((h) => ({ name: h.name, desired: h.topology })) };
    },
  };
}

export function hostTopologySource(host: string, read: ReadHost, onDidChange?: vscode.Event<void>): TopologySource {
  return {
    key: sourceKey({ kind: 'host', destination: host }),
    title: `Topology: ${host}`,
    onDidChange,
    async load(signal): Promise<DiagramInput> {
      return { title: host, hosts: [{ name: host, live: await read(signal) }] };
    },
  };
}

/**
 * The drift view: one host of a .vnet file (`labHost`; may be left out when the file has one) against the
 * live host it describes.
 */
export function driftTopologySource(uri: vscode.Uri, host: string, read: ReadHost, onHostChange?: vscode.Event<void>, labHost?: string): TopologySource {
  const fileChanged = fileChanges(uri);
  const onDidChange: vscode.Event<void> = (listener, thisArgs, disposables) => {
    const parts = [fileChanged(listener, thisArgs), ...(onHostChange ? [onHostChange(listener, thisArgs)] : [])];
    const disposable = vscode.Disposable.from(...parts);
    disposables?.push(disposable);
    return disposable;
  };
  return {
    key: sourceKey({ kind: 'drift', uri: uri.toString(), labHost: labHost ?? null, destination: host }),
    title: `Drift: ${vscode.workspace.asRelativePath(uri)}${labHost ? ` (${labHost})` : ''} ↔ ${host}`,
    sourceUri: uri,
    onDidChange,
    async load(signal): Promise<DiagramInput> {
      const [lab, live] = await Promise.all([readLab(uri), read(signal)]);
      const side = labHost === undefined && lab.hosts.length === 1 ? lab.hosts[0] : lab.hosts.find((h) => h.name === labHost);
      if (!side) {
        throw new VnetError('VN-USAGE-HOSTS', labHost === undefined
          ? `${lab.name} spans ${lab.hosts.length} hosts; the drift view compares one file host with one live host. Say which.`
          : `${vscode.workspace.asRelativePath(uri)} no longer declares host "${labHost}". Show the drift again for one it declares.`);
      }
      return { title: `${lab.name} ↔ ${host}`, hosts: [{ name: side.name, desired: side.topology, live }] };
    },
  };
}
