// The Hosts view's TreeDataProvider: copies the view-model (tree-model.ts) onto TreeItems and redraws when
// a host changes. Connecting starts when the view first asks for its rows.

import * as vscode from 'vscode';
import type { ElementRef } from '../model/protocol';
import type { HostsModel } from './hosts-model';
import { hostNode, type TreeNode } from './tree-model';

const COLLAPSIBLE: Record<TreeNode['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export class HostsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** Parents of the nodes handed out, for reveal(); keyed by the stable ids, so it holds one entry per row. */
  private readonly parents = new Map<string, TreeNode | undefined>();
  private readonly unsubscribe: () => void;
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly model: HostsModel) {
    this.unsubscribe = model.onDidChange(() => this.changed());
  }

  /** Bursts of changes (several hosts answering at once) become one redraw. */
  private changed(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.emitter.fire();
    }, 30);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, COLLAPSIBLE[node.collapsible]);
    item.id = node.id;
    item.description = node.description;
    // A plain string: VS Code shows it as text, never as markdown.
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    item.contextValue = node.contextValue;
    if (node.command) item.command = { ...node.command, arguments: node.command.arguments ?? [node] };
    item.accessibilityInformation = { label: node.description ? `${node.label}, ${node.description}` : node.label };
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) {
      this.model.startAll();
      const roots = this.model.list().map((session) => hostNode(session.view()));
      for (const root of roots) this.parents.set(root.id, undefined);
      return roots;
    }
    const children = node.children();
    for (const child of children) this.parents.set(child.id, node);
    return children;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.parents.get(node.id);
  }

  /** The node of an element (from the topology panel), with its ancestors registered for reveal(). */
  find(ref: ElementRef): TreeNode | undefined {
    const session = this.model.get(ref.host);
    if (!session) return undefined;
    const root = hostNode(session.view());
    this.parents.set(root.id, undefined);
    let found: TreeNode | undefined;
    const visit = (node: TreeNode, depth: number): boolean => {
      if (matches(node, ref)) { found = node; return true; }
      if (depth > 6) return false;
      for (const child of node.children()) {
        this.parents.set(child.id, node);
        if (visit(child, depth + 1)) return true;
      }
      return false;
    };
    visit(root, 0);
    return found;
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.unsubscribe();
    this.emitter.dispose();
  }
}

function matches(node: TreeNode, ref: ElementRef): boolean {
  const r = node.ref;
  if (!r || r.kind !== ref.kind || r.host !== ref.host) return false;
  if (node.kind === 'address') return false;
  return r.namespace === ref.namespace && r.interface === ref.interface && r.route === ref.route && r.rule === ref.rule;
}
