// The context menu: a list of buttons at the pointer, built from menu-model.ts. Closed by Escape, a click
// elsewhere, or choosing an item.

import type { MenuItem } from './menu-model';

export class ContextMenu {
  private readonly root: HTMLElement;

  constructor(parent: HTMLElement) {
    this.root = document.createElement('div');
    this.root.className = 'vnet-menu';
    this.root.setAttribute('role', 'menu');
    this.root.hidden = true;
    parent.appendChild(this.root);
    document.addEventListener('pointerdown', (event) => { if (!this.root.contains(event.target as Node)) this.close(); }, true);
    document.addEventListener('keydown', (event) => { if (event.key === 'Escape') this.close(); });
    window.addEventListener('blur', () => this.close());
  }

  open(x: number, y: number, items: MenuItem[], choose: (item: MenuItem) => void): void {
    this.root.replaceChildren();
    for (const item of items) {
      const button = document.createElement('button');
      button.setAttribute('role', 'menuitem');
      button.textContent = item.title;
      button.addEventListener('click', () => { this.close(); choose(item); });
      this.root.appendChild(button);
    }
    if (!items.length) return;
    this.root.hidden = false;
    const { innerWidth, innerHeight } = window;
    const rect = this.root.getBoundingClientRect();
    this.root.style.left = `${Math.min(x, innerWidth - rect.width - 4)}px`;
    this.root.style.top = `${Math.min(y, innerHeight - rect.height - 4)}px`;
    (this.root.firstElementChild as HTMLElement | null)?.focus();
  }

  close(): void {
    this.root.hidden = true;
  }
}
