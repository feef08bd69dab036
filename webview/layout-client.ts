// Starts the layout worker and talks to it. A webview may only start workers from blob: (or data:) URLs,
// so the client fetches its own script (the worker code is the same bundle), wraps it in a Blob, and
// starts the worker from that blob's URL; the CSP allows `worker-src blob:`. Should that fail (an old
// host, a stricter policy), layout runs on the UI thread and the panel says so.

import type { DiagramLayout } from '../src/diagram/layout';
import type { DiagramInput } from '../src/model/protocol';
import type { LayoutRequest, LayoutResponse } from './layout-messages';
import { answerLayoutRequest } from './layout-worker';

export interface LayoutResult {
  layout: DiagramLayout;
  ids: string[];
}

interface Pending {
  request: LayoutRequest;
  resolve: (result: LayoutResult | null) => void;
  reject: (error: Error) => void;
}

export class LayoutClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private inFlight: Pending | null = null;
  /** Only the newest waiting request is kept: a refresh that arrives mid-layout replaces older ones. */
  private queued: Pending | null = null;
  /** Why the worker could not be used, when layout runs on the UI thread instead. */
  fallbackReason: string | null = null;

  static async start(scriptUrl: string | null): Promise<LayoutClient> {
    const client = new LayoutClient();
    try {
      if (!scriptUrl) throw new Error('the webview script URL is unknown');
      const response = await fetch(scriptUrl);
      if (!response.ok) throw new Error(`fetching the layout code failed (${response.status})`);
      const blob = new Blob([await response.text()], { type: 'text/javascript' });
      const url = URL.createObjectURL(blob);
      const worker = new Worker(url, { name: 'vnet-layout' });
      worker.onmessage = (event: MessageEvent<LayoutResponse>) => client.onResponse(event.data);
      worker.onerror = (event: ErrorEvent) => client.onWorkerFailure(event.message || 'the layout worker failed');
      client.worker = worker;
    } catch (error) {
      client.fallbackReason = error instanceof Error ? error.message : String(error);
    }
    return client;
  }

  /** Resolves with the layout, or null when a newer request replaced this one before it started. */
  layout(input: DiagramInput, order: string[]): Promise<LayoutResult | null> {
    return new Promise((resolve, reject) => {
      const pending: Pending = { request: { id: this.nextId++, input, order }, resolve, reject };
      if (this.queued) this.queued.resolve(null);
      this.queued = pending;
      this.pump();
    });
  }

  private pump(): void {
    if (this.inFlight || !this.queued) return;
    this.inFlight = this.queued;
    this.queued = null;
    if (this.worker) {
      this.worker.postMessage(this.inFlight.request);
    } else {
      // Off the worker: give the UI a frame to paint "laying out…" before the long synchronous layout.
      const request = this.inFlight.request;
      setTimeout(() => { void answerLayoutRequest(request).then((response) => this.onResponse(response)); }, 16);
    }
  }

  private onResponse(response: LayoutResponse): void {
    const pending = this.inFlight;
    if (!pending || pending.request.id !== response.id) return;
    this.inFlight = null;
    if ('error' in response) pending.reject(new Error(response.error));
    else pending.resolve({ layout: response.layout, ids: response.ids });
    this.pump();
  }

  private onWorkerFailure(message: string): void {
    this.worker?.terminate();
    this.worker = null;
    this.fallbackReason = message;
    const pending = this.inFlight;
    this.inFlight = null;
    if (pending) {
      if (this.queued) pending.resolve(null);
      else this.queued = pending;
    }
    this.pump();
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}
