// What a capture needs of the editor beyond the commands' Ui: a folder to suggest, the status bar item
// with the packet count and a Stop button, and a way to hear that the window goes away. Free of vscode;
// vscode-capture-faces.ts implements it.

export interface CaptureStatus {
  /** `$(record) ns1:veth0 12 packets`. */
  text: string;
  tooltip: string;
}

export interface CaptureFaces {
  /** Where a capture file is suggested: the first workspace folder, else the system's temp folder. */
  defaultFolder(): string;
  /** Shows the running captures in the status bar with a Stop button; null hides both. */
  showStatus(status: CaptureStatus | null): void;
  /** Called when the window goes away (the extension deactivates): running captures stop. */
  onDispose(stop: () => void): void;
}
