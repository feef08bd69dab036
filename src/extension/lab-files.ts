// .vnet files as the lab commands see them: the one a command was given (explorer, editor title, code lens)
// or the active editor's, read with its unsaved edits; and new ones written into the labs folder.

import * as vscode from 'vscode';
import { VnetError } from '../model/errors';
import type { LabFile } from './commands/lab-commands';
import { LANGUAGE_ID } from './language-client';
import type { ExtensionSettings } from './settings';

/** The folder new labs go to when vnet.labsFolder is not set, relative to the workspace. */
const DEFAULT_LABS_FOLDER = 'labs';

function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  // The code lens passes the document URI as a string (it comes from the language server).
  if (typeof arg === 'string' && /^[a-z][\w+.-]*:/i.test(arg)) return vscode.Uri.parse(arg);
  if (typeof arg === 'object' && arg !== null && (arg as { resourceUri?: unknown }).resourceUri instanceof vscode.Uri) {
    return (arg as { resourceUri: vscode.Uri }).resourceUri;
  }
  return undefined;
}

export class LabFiles {
  constructor(private readonly settings: () => ExtensionSettings) {}

  async read(arg: unknown): Promise<LabFile> {
    let uri = uriOf(arg);
    if (!uri) {
      const document = vscode.window.activeTextEditor?.document;
      if (document?.languageId === LANGUAGE_ID || document?.fileName.endsWith('.vnet')) uri = document.uri;
    }
    if (!uri) throw new VnetError('VN-LAB-NONE', 'Open a .vnet file first, or run the command from a .vnet file in the explorer.');
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri!.toString());
    let text: string;
    if (open) {
      text = open.getText();
    } else {
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch (error) {
        throw new VnetError('VN-LAB-READ', `Cannot read ${uri.fsPath || uri.toString()}: ${error instanceof Error ? error.message : String(error)}.`);
      }
    }
    return { text, label: vscode.workspace.asRelativePath(uri), key: uri.toString() };
  }

  /** The workspace's .vnet files (the first 500, shallowest first), each read when asked. */
  async find(): Promise<{ label: string; read(): Promise<LabFile> }[]> {
    const uris = await vscode.workspace.findFiles('**/*.vnet', '**/node_modules/**', 500);
    const labelled = uris.map((uri) => ({ uri, label: vscode.workspace.asRelativePath(uri) }));
    labelled.sort((a, b) => a.label.split('/').length - b.label.split('/').length || a.label.localeCompare(b.label));
    return labelled.map(({ uri, label }) => ({ label, read: () => this.read(uri) }));
  }

  /** Writes a new file into the labs folder (never over an existing one) and opens it. */
  async save(fileName: string, text: string): Promise<void> {
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!workspace) {
      const document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: text });
      await vscode.window.showTextDocument(document);
      return;
    }
    const configured = this.settings().labsFolder ?? DEFAULT_LABS_FOLDER;
    const folder = configured.startsWith('/') ? vscode.Uri.file(configured) : vscode.Uri.joinPath(workspace, configured);
    await vscode.workspace.fs.createDirectory(folder);
    const base = fileName.replace(/\.vnet$/, '');
    let target = vscode.Uri.joinPath(folder, `${base}.vnet`);
    for (let i = 2; await exists(target); i++) target = vscode.Uri.joinPath(folder, `${base}-${i}.vnet`);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target));
    void vscode.window.showInformationMessage(`Exported to ${vscode.workspace.asRelativePath(target)}. Apply it to an empty host to build the same network.`);
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
