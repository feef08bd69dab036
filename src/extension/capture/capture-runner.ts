// The captures the editor runs: each streams from its host into local files while the status bar counts
// its packets; Stop (or the window going away) ends them. A finished capture opens in Wireshark when it is
// installed here, otherwise as text in an editor: `tcpdump -r` when tcpdump is installed here, else VNet's
// own summary from the pcap headers. Free of vscode.

import { readFile } from 'node:fs/promises';
import { describeError } from '../../model/errors';
import { capturePointLabel, mergedCaptureFileName, packetCountText, type CapturePoint } from '../../model/capture';
import { startCapture, type CaptureResult, type CaptureSession } from '../../host/capture-session';
import { summarizeCapture } from '../../host/capture-summary';
import { decodeWithTcpdump, mergeCaptureFiles, openInWireshark } from '../../host/capture-tools';
import type { HostSession } from '../host-session';
import { hostTitle } from '../host-state';
import { clip, iconSafe, plainMessage, plainText } from '../text-safety';
import type { Ui } from '../ui';
import type { CaptureFaces } from './capture-faces';

/** How a finished capture was shown. */
export interface CaptureOutcome {
  result: CaptureResult;
  /** The merged pcapng, when there were several files and mergecap is installed here. */
  merged: string | null;
  shownIn: 'wireshark' | 'tcpdump' | 'summary';
}

interface Run {
  title: string;
  points: readonly CapturePoint[];
  session: CaptureSession;
  counts(): readonly number[];
  /** Every tcpdump of the run listens: packets from now on are captured. */
  listening: boolean;
}

export interface StartedCapture {
  /** `ns1:veth0 on HOST`. */
  title: string;
  /** Resolves once every tcpdump listens (or the capture already ended). */
  listening: Promise<void>;
  /** Resolves when the capture is over and shown; rejects with what went wrong. */
  finished: Promise<CaptureOutcome>;
}

/** The most lines of tcpdump's decoding an editor gets per file; the file itself holds every packet. */
const SHOWN_LINES = 5000;

function firstLines(text: string, max: number): string {
  const lines = text.split('\n');
  if (lines.length <= max + 1) return text;
  return `${lines.slice(0, max).join('\n')}\n… and ${lines.length - max - 1} more lines (open the file in Wireshark, or tcpdump -r, to see them all)\n`;
}

export class CaptureRunner {
  private readonly runs = new Set<Run>();

  constructor(private readonly faces: CaptureFaces, private readonly log: (line: string) => void) {
    faces.onDispose(() => this.stopAll());
  }

  /** Starts capturing on `points` of a host into `file` (one point) or `FILE-NS-IFACE.pcap` files (several). */
  start(ui: Ui, host: HostSession, points: readonly CapturePoint[], file: string, filter: string): StartedCapture {
    const title = `${points.map(capturePointLabel).join(', ')} on ${hostTitle(host.entry)}`;
    let counts: readonly number[] = points.map(() => 0);
    const session = startCapture(host.transport, points, file, {
      filter,
      log: this.log,
      onPackets: (now) => { counts = [...now]; this.showStatus(); },
    });
    const run: Run = { title, points, session, counts: () => counts, listening: false };
    this.runs.add(run);
    this.showStatus();
    void session.listening.then(() => { run.listening = true; this.showStatus(); });
    const finished = run.session.done
      .finally(() => { this.runs.delete(run); this.showStatus(); })
      .then((result) => this.show(ui, run.title, result, file));
    return { title, listening: run.session.listening, finished };
  }

  /** Says that a capture failed after it had started (the command that started it has ended by then). */
  reportFailure(ui: Ui, title: string, error: unknown): void {
    void ui.error(clip(plainMessage(`Capture on ${title} failed: ${describeError(error)}`), 1200)).catch(() => undefined);
  }

  /** Stops every running capture gently: each tcpdump hands over what it holds. */
  stopAll(): number {
    for (const run of this.runs) run.session.stop();
    return this.runs.size;
  }

  private showStatus(): void {
    if (this.runs.size === 0) { this.faces.showStatus(null); return; }
    const runs = [...this.runs];
    const total = runs.reduce((sum, run) => sum + run.counts().reduce((a, b) => a + b, 0), 0);
    const what = runs.length === 1 ? runs[0].points.map(capturePointLabel).join(', ') : `${runs.length} captures`;
    // Until tcpdump listens, packets are not captured yet: say so rather than count.
    const starting = runs.every((run) => !run.listening);
    this.faces.showStatus({
      text: starting ? `$(loading~spin) ${iconSafe(plainText(what))} starting…` : `$(record) ${iconSafe(plainText(what))} ${packetCountText(total)}`,
      tooltip: plainText(`Capturing ${runs.map((run) => run.title).join('; ')}. Click to stop.`),
    });
  }

  /** Merges several files, then opens the capture in Wireshark, or shows it decoded in an editor. */
  private async show(ui: Ui, title: string, result: CaptureResult, file: string): Promise<CaptureOutcome> {
    const files = result.points.map((point) => point.file);
    const merged = files.length > 1 && await mergeCaptureFiles(files, mergedCaptureFileName(file)) ? mergedCaptureFileName(file) : null;
    const packets = result.points.reduce((sum, point) => sum + point.packets, 0);
    const saved = `${[...files, ...(merged ? [merged] : [])].join(', ')} (${packetCountText(packets)})`;
    if (result.leftOver.length) this.log(`capture: tcpdump ${result.leftOver.join(', ')} was left running on the host and was killed`);
    // One Wireshark for the merged file, else one per file.
    if (await openInWireshark(merged ?? files[0])) {
      if (!merged) for (const other of files.slice(1)) await openInWireshark(other);
      void ui.info(`Capture on ${title} saved to ${saved}, opened in Wireshark.`).catch(() => undefined);
      return { result, merged, shownIn: 'wireshark' };
    }
    const decoded = await Promise.all(result.points.map(async (point) => {
      const text = await decodeWithTcpdump(point.file);
      return text === null ? null : firstLines(text, SHOWN_LINES);
    }));
    const byTcpdump = decoded.every((text) => text !== null);
    const sections = await Promise.all(result.points.map(async (point, i) => {
      const heading = `${capturePointLabel(point.point)}: ${point.file} (${packetCountText(point.packets)})`;
      return byTcpdump ? `${heading}\n\n${decoded[i]}` : summarizeCapture(await readFile(point.file), heading);
    }));
    const header = `Capture on ${title}: ${saved}.\nWireshark is not installed here; ${byTcpdump ? 'decoded by tcpdump -r -nn' : 'tcpdump is not installed here either, so this summary is decoded by VNet from the packet headers'}.`;
    await ui.showDocument(`Capture ${title}`, `${header}\n\n${sections.join('\n')}`);
    return { result, merged, shownIn: byTcpdump ? 'tcpdump' : 'summary' };
  }
}
