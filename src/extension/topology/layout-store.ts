// Where the positions the user dragged are kept between sessions: the workspace state, one entry per lab.

import { isSavedLayout, type SavedLayout } from '../../model/protocol';

/** The part of vscode.Memento this needs (so that it is tested without VS Code). */
export interface StateMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

const PREFIX = 'vnet.topology.layout:';

export class LayoutStore {
  constructor(private readonly memento: StateMemento) {}

  get(labKey: string): SavedLayout | null {
    const value = this.memento.get<unknown>(PREFIX + labKey);
    return isSavedLayout(value) ? value : null;
  }

  async set(labKey: string, layout: SavedLayout): Promise<void> {
    await this.memento.update(PREFIX + labKey, layout);
  }
}
