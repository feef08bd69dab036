// "Capture on Interface…", "Capture Along Trace…" and "Stop Capture": what they ask, then a capture that
// streams into local files while the status bar counts (capture-runner.ts). Free of vscode.

import { isAbsolute, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { VnetError } from '../../model/errors';
import { capturePointLabel, checkCaptureFilter, type CapturePoint } from '../../model/capture';
import { validSinglePort } from '../../model/ports';
import { ROOT_NAMESPACE } from '../../model/topology';
import { trace, type TraceProtocol } from '../../trace/index';
import type { HostSession } from '../host-session';
import type { Validator } from '../input-validators';
import type { CommandContext } from '../commands/context';
import { cancelled, resolveInterface, resolveNamespace, resolveSession, topologyOf, type Target } from '../commands/resolve';
import { plainText } from '../text-safety';
import type { CaptureFaces } from './capture-faces';
import { CaptureRunner, type StartedCapture } from './capture-runner';
import { capturePointsOf, hopInterfaces, type HopInterface } from './trace-points';

export interface CaptureContext extends CommandContext {
  /** Absent where no editor shows captures (tests of other commands): the capture commands then refuse. */
  captureFaces?: CaptureFaces;
  log(line: string): void;
}

const runners = new WeakMap<CaptureFaces, CaptureRunner>();

function runnerOf(ctx: CaptureContext): CaptureRunner {
  const faces = ctx.captureFaces;
  if (!faces) throw new VnetError('VN-CAPTURE-UNAVAILABLE', 'Capturing to a file needs the editor\'s status bar, which this window does not offer. Use "vnet capture" in a terminal.');
  let runner = runners.get(faces);
  if (!runner) runners.set(faces, runner = new CaptureRunner(faces, ctx.log));
  return runner;
}

export const captureFilterValidator: Validator = (text) => checkCaptureFilter(text.trim()) ?? undefined;

const captureFileValidator: Validator = (text) => {
  const path = text.trim();
  if (!isAbsolute(path)) return 'Write the full path of the file, like /home/me/captures/ping.pcap.';
  if (!/\.pcap$/i.test(path)) return 'A capture file ends in .pcap.';
  return undefined;
};

/** `vnet-NS-IFACE-20260102-150405.pcap` in the suggested folder. */
function suggestedFile(faces: CaptureFaces, what: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join(faces.defaultFolder(), `vnet-${what.replace(/[^A-Za-z0-9_.-]/g, '_')}-${stamp}.pcap`);
}

async function askFilterAndFile(ctx: CaptureContext, title: string, what: string, several: boolean): Promise<{ filter: string; file: string }> {
  const filter = await ctx.ui.input({ title, prompt: 'tcpdump filter (leave empty to capture everything)', placeholder: 'e.g. icmp or tcp port 80', validate: captureFilterValidator });
  if (filter === undefined) cancelled();
  const file = await ctx.ui.input({
    title,
    prompt: several ? 'Where to save: one file per interface (NAME-NS-IFACE.pcap), and NAME.pcapng merged when mergecap is installed' : 'Where to save the capture',
    value: suggestedFile(ctx.captureFaces!, what),
    validate: captureFileValidator,
  });
  if (file === undefined) cancelled();
  return { filter: filter.trim(), file: file.trim() };
}

/** Starts the capture; the command ends once tcpdump listens (a failure to start is the command's failure). */
async function begin(ctx: CaptureContext, session: HostSession, points: CapturePoint[], filter: string, file: string): Promise<StartedCapture> {
  const runner = runnerOf(ctx);
  await mkdir(join(file, '..'), { recursive: true }).catch(() => undefined);
  const started = runner.start(ctx.ui, session, points, file, filter);
  // A capture that fails before it listens fails the command; one that fails later is reported by itself.
  await Promise.race([started.listening, started.finished.then(() => undefined)]);
  started.finished.catch((error: unknown) => runner.reportFailure(ctx.ui, started.title, error));
  return started;
}

export async function captureOnInterface(ctx: CaptureContext, target: Target): Promise<StartedCapture> {
  runnerOf(ctx);
  const title = 'Capture on interface';
  const session = await resolveSession(ctx, target, title);
  const topology = await topologyOf(ctx, session);
  const ns = await resolveNamespace(ctx, topology, target, title, { editable: false });
  const iface = await resolveInterface(ctx, ns, target, title);
  const point: CapturePoint = ns.anonymous && ns.path
    ? { namespace: ns.name, interface: iface.name, path: ns.path }
    : { namespace: ns.root ? ROOT_NAMESPACE : ns.name, interface: iface.name };
  const { filter, file } = await askFilterAndFile(ctx, `Capture on ${plainText(capturePointLabel(point))}`, `${point.namespace}-${point.interface}`, false);
  return begin(ctx, session, [point], filter, file);
}

/**
 * Captures on every interface of a trace at once (the hops' interfaces, on the host they are on): one file
 * each, and a merged pcapng when mergecap is installed here. Exported for other faces that hold a trace.
 */
export async function captureAlongHops(ctx: CaptureContext, session: HostSession, hops: readonly HopInterface[]): Promise<StartedCapture> {
  const topology = await topologyOf(ctx, session);
  const points = capturePointsOf(hops, topology);
  if (points.length === 0) throw new VnetError('VN-CAPTURE-NONE', 'The trace names no interface this host has, so there is nothing to capture on.');
  const { filter, file } = await askFilterAndFile(ctx, `Capture along ${points.length} interface${points.length === 1 ? '' : 's'}`, 'trace', points.length > 1);
  return begin(ctx, session, points, filter, file);
}

const PROTOCOLS: { label: string; value: TraceProtocol }[] = [
  { label: 'icmp', value: 'icmp' }, { label: 'tcp', value: 'tcp' }, { label: 'udp', value: 'udp' },
];

/** Asks a trace question (from, to, protocol, port), traces it on the host's network, and captures along its hops. */
export async function captureAlongTrace(ctx: CaptureContext, target: Target): Promise<StartedCapture> {
  runnerOf(ctx);
  const title = 'Capture along trace';
  const session = await resolveSession(ctx, target, title);
  const topology = await topologyOf(ctx, session);
  const required: Validator = (text) => (text.trim() ? undefined : 'Write a namespace or an address.');
  const from = await ctx.ui.input({ title, prompt: 'From: a namespace (host for the root one) or an address', placeholder: 'e.g. netns1', validate: required });
  if (from === undefined) cancelled();
  const to = await ctx.ui.input({ title, prompt: 'To: an address, or a namespace (its first address)', placeholder: 'e.g. 10.0.0.2', validate: required });
  if (to === undefined) cancelled();
  const protocol = await ctx.ui.pick(PROTOCOLS, { title, placeholder: 'Which protocol?' });
  if (protocol === undefined) cancelled();
  let port: number | null = null;
  if (protocol !== 'icmp') {
    const text = await ctx.ui.input({ title, prompt: `${protocol.toUpperCase()} port`, placeholder: 'e.g. 80', validate: (t) => (validSinglePort(t.trim()) ? undefined : 'Write a port from 1 to 65535.') });
    if (text === undefined) cancelled();
    port = Number(text.trim());
  }
  const result = trace(topology, { from: from.trim(), to: to.trim(), protocol, port });
  return captureAlongHops(ctx, session, hopInterfaces(result));
}

export async function stopCapture(ctx: CaptureContext): Promise<void> {
  const stopped = runnerOf(ctx).stopAll();
  if (stopped === 0) void ctx.ui.info('No capture is running.').catch(() => undefined);
}
