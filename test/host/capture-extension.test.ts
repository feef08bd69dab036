// The editor's captures against a testbed host, through the same flows the commands run, with only VS
// Code's pieces replaced (a scripted Ui, and status-bar faces that record what they show): "Capture on
// Interface…" from an interface row and "Capture Along Trace…" stream a real ping into local files, the
// status bar counts it, Stop ends it, the capture opens decoded by tcpdump (no Wireshark here), and no
// tcpdump is left on the host.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { run } from '../testbed/run';
import { createHostTransport } from '../../src/extension/host-transport';
import { HostsModel } from '../../src/extension/hosts-model';
import { runCommand, type ExtensionCommandContext } from '../../src/extension/commands/command-table';
import { captureAlongTrace, captureOnInterface, type CaptureContext } from '../../src/extension/capture/capture-flows';
import type { CaptureFaces, CaptureStatus } from '../../src/extension/capture/capture-faces';
import { hostNode, walk, type TreeNode } from '../../src/extension/tree-model';
import { ScriptedUi, type Answer } from '../unit/extension-scripted-ui';
import { settingsFor, until } from './extension-support';
import { pingAcross, vethHost } from './capture-support';

let bed: Testbed;
let host: TestHost;
let model: HostsModel;
let dir: string;

class RecordingFaces implements CaptureFaces {
  readonly statuses: (CaptureStatus | null)[] = [];
  readonly disposers: (() => void)[] = [];
  defaultFolder(): string { return dir; }
  showStatus(status: CaptureStatus | null): void { this.statuses.push(status); }
  onDispose(stop: () => void): void { this.disposers.push(stop); }
  get shown(): CaptureStatus | null { return this.statuses[this.statuses.length - 1] ?? null; }
}

before(async () => {
  bed = await Testbed.start();
  host = await vethHost(bed, { address: '10.73.0.10/24', peer: '10.73.0.1' }, 'ip -n cap-a link add gone0 type veth peer name gone1');
  dir = await mkdtemp(join(tmpdir(), 'vnet-capture-ext-'));
  model = new HostsModel({ createTransport: (entry, settings) => createHostTransport(entry, settings, () => undefined), log: () => undefined }, settingsFor([host], { refreshMode: 'manual' }));
  model.startAll();
  const session = model.get(host.target)!;
  await until(session, () => session.topology !== null, 'the host is read');
});

after(async () => {
  await model?.dispose();
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function context(ui: ScriptedUi, faces: CaptureFaces): CaptureContext & ExtensionCommandContext {
  return {
    ui,
    hosts: model,
    settings: () => model.current,
    activeHost: () => host.target,
    setActiveHost: () => undefined,
    saveHosts: async () => undefined,
    rawHosts: () => [],
    readLabFile: async () => { throw new Error('not used'); },
    recall: () => undefined,
    remember: async () => undefined,
    log: () => undefined,
    showTopology: async () => undefined,
    showDrift: async () => undefined,
    findLabFiles: async () => [],
    saveLabFile: async () => undefined,
    captureFaces: faces,
  };
}

function interfaceRow(namespace: string, name: string): TreeNode {
  const found = walk(hostNode(model.get(host.target)!.view())).find((n) => n.kind === 'interface' && n.namespace === namespace && n.interfaceName === name);
  assert.ok(found, `no row for ${name} in ${namespace}`);
  return found;
}

async function tcpdumpsOnHost(): Promise<string> {
  return (await host.direct('pgrep -a tcpdump || true')).stdout.trim();
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(check(), what);
}

test('Capture on Interface… from an interface row: counted in the status bar, stopped, decoded in an editor, nothing left', async () => {
  const faces = new RecordingFaces();
  const file = join(dir, 'row.pcap');
  const answers: Answer[] = [{ input: ['icmp; reboot', 'icmp'] }, { input: ['relative.pcap', file] }];
  const ui = new ScriptedUi(answers);
  const ctx = context(ui, faces);
  const started = await captureOnInterface(ctx, interfaceRow('cap-a', 'va') as never);
  assert.equal(ui.refusals.length, 2, 'the hostile filter and the relative path were refused as typed');
  assert.match(ui.refusals[0].message, /capture filter/);
  await pingAcross(host, 2);
  await waitFor(() => faces.shown?.text === '$(record) cap-a:va 4 packets', `the status bar counts 4 packets (shows ${JSON.stringify(faces.shown)})`);
  // Before tcpdump listened, the status said it was starting, not a count.
  assert.equal(faces.statuses[0]?.text, '$(loading~spin) cap-a:va starting…');
  assert.ok(faces.statuses.some((status) => status?.text === '$(record) cap-a:va 0 packets'));
  // Stop, as the status bar's button does.
  await runCommand(ctx, 'vnet.stopCapture', undefined);
  const outcome = await started.finished;
  assert.equal(outcome.shownIn, 'tcpdump');
  assert.equal(outcome.result.points[0].file, file);
  assert.equal(outcome.result.points[0].packets, 4);
  assert.equal(faces.shown, null, 'the status bar items are hidden once nothing runs');
  const shown = ui.documents[0];
  assert.match(shown.title, /^Capture cap-a:va on /);
  assert.equal(shown.text.split('\n').filter((line) => /10\.77\.0\.1 > 10\.77\.0\.2: ICMP echo request/.test(line)).length, 2, shown.text);
  assert.match(shown.text, /Wireshark is not installed here; decoded by tcpdump -r -nn/);
  assert.deepEqual(ui.errors(), []);
  assert.equal(await tcpdumpsOnHost(), '');
});

test('Capture Along Trace…: a trace question, then every interface of its hops at once, one file each', async () => {
  const faces = new RecordingFaces();
  const file = join(dir, 'trace.pcap');
  const ui = new ScriptedUi([{ input: 'cap-a' }, { input: '10.77.0.2' }, { pick: 'icmp' }, { input: 'icmp' }, { input: file }]);
  const ctx = context(ui, faces);
  const started = await captureAlongTrace(ctx, { host: host.target });
  await pingAcross(host, 2);
  await waitFor(() => faces.shown?.text === '$(record) cap-a:va, cap-b:vb 8 packets', `the status bar counts both interfaces (shows ${JSON.stringify(faces.shown)})`);
  // The window going away stops running captures too.
  for (const stop of faces.disposers) stop();
  const outcome = await started.finished;
  assert.deepEqual(outcome.result.points.map((p) => [p.point.namespace, p.point.interface, p.file, p.packets]), [
    ['cap-a', 'va', join(dir, 'trace-cap-a-va.pcap'), 4],
    ['cap-b', 'vb', join(dir, 'trace-cap-b-vb.pcap'), 4],
  ]);
  for (const point of outcome.result.points) {
    const read = await run('tcpdump', ['-r', point.file, '-nn']);
    assert.equal(read.stdout.split('\n').filter((line) => /ICMP echo (request|reply)/.test(line)).length, 4, read.stdout);
  }
  // mergecap is not installed on this machine: no merged file, and the editor says how each file reads.
  assert.equal(outcome.merged, null);
  assert.match(ui.documents[0].text, /cap-a:va: .*trace-cap-a-va\.pcap \(4 packets\)[\s\S]*cap-b:vb: .*trace-cap-b-vb\.pcap \(4 packets\)/);
  assert.equal(await tcpdumpsOnHost(), '');
});

test('a capture on an interface that went away is one error with its code; Stop with nothing running says so', async () => {
  const faces = new RecordingFaces();
  const stopUi = new ScriptedUi([]);
  await runCommand(context(stopUi, faces), 'vnet.stopCapture', undefined);
  assert.deepEqual(stopUi.messages.map((m) => m.text), ['No capture is running.']);
  // The tree still shows gone0 (it was read before); the host no longer has it.
  await host.direct('ip -n cap-a link del gone0');
  const ui = new ScriptedUi([{ input: '' }, { input: join(dir, 'gone.pcap') }]);
  await runCommand(context(ui, faces), 'vnet.captureToFile', interfaceRow('cap-a', 'gone0'));
  await waitFor(() => ui.errors().length > 0, 'the failure is reported');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(ui.errors().length, 1, ui.errors().join('\n'));
  assert.match(ui.errors()[0], /There is no interface gone0 in cap-a .*\[VN-CAPTURE-INTERFACE\]/);
  assert.equal(faces.shown, null);
  assert.equal(await tcpdumpsOnHost(), '');
});
