// A capture started and stopped from VS Code, against a testbed host over real ssh: "Capture on
// Interface…" from an interface row asks for a filter and a file, the status bar counts a real ping as it
// crosses the veth, its Stop button ends the capture, the capture opens decoded (no Wireshark on this
// machine; tcpdump -r is), the file reads back with tcpdump, and no tcpdump is left on the host.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../testbed/run';
import { extensionVsix } from './harness/extension-under-test';
import { keepEvidenceOnFailure, startSession, type Session } from './harness/session';
import { startTestbedHosts, type TestbedHosts } from './harness/testbed-hosts';

const VIEW = 'Hosts';

const VETH_SCRIPT = [
  'ip netns add cap-a', 'ip netns add cap-b',
  'ip link add va netns cap-a type veth peer name vb netns cap-b',
  'ip -n cap-a addr add 10.77.0.1/24 dev va', 'ip -n cap-a link set va up',
  'ip -n cap-b addr add 10.77.0.2/24 dev vb', 'ip -n cap-b link set vb up',
  'for i in $(seq 50); do ip netns exec cap-a ping -c1 -W1 10.77.0.2 >/dev/null 2>&1 && break; sleep 0.1; done',
].join('\n');

describe('a capture from VS Code', () => {
  let hosts: TestbedHosts | undefined;
  let session: Session | undefined;
  let dir = '';

  before(async () => {
    const [bed, vsix] = await Promise.all([startTestbedHosts([{ label: 'cap', script: VETH_SCRIPT }]), extensionVsix()]);
    hosts = bed;
    dir = await mkdtemp(join(tmpdir(), 'vnet-e2e-capture-'));
    session = await startSession({ vsixPaths: [vsix], settings: bed.settings, viewport: { width: 1400, height: 1000 } });
    await session.workbench.openViewContainer('VNet');
  });

  after(async () => {
    await session?.close();
    await hosts?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('Capture on Interface… counts a ping in the status bar; Stop ends it and shows the packets', async () => {
    assert.ok(session && hosts, 'the testbed or the code-server session did not start');
    const { workbench } = session;
    const host = hosts.get('cap');
    const file = join(dir, 'ping.pcap');
    await keepEvidenceOnFailure(session, 'capture-from-vscode', async () => {
      const page = workbench.page;
      await workbench.contextMenu(await workbench.treePath(VIEW, ['cap', 'Namespaces', 'cap-a', 'va']), 'Capture on Interface…');
      await workbench.answerInput('icmp', { title: 'Capture on cap-a:va' });
      // The second step of the same title suggests a file; wait for it before typing ours.
      const box = page.locator('.quick-input-widget .quick-input-box input');
      await workbench.waitFor(async () => (/\.pcap$/.test(await box.inputValue()) ? true : undefined), () => 'the file step with its suggested .pcap');
      await box.fill(file);
      await page.keyboard.press('Enter');

      // The count shows once tcpdump listens on the host (before that, the item says "starting…").
      const count = page.locator('.statusbar-item', { hasText: /cap-a:va \d+ packets?/ });
      await count.waitFor();
      await host.direct('ip netns exec cap-a ping -c 3 -i 0.2 10.77.0.2');
      await page.locator('.statusbar-item', { hasText: 'cap-a:va 6 packets' }).waitFor();
      await workbench.screenshot('capture-counting');

      await page.locator('.statusbar-item', { hasText: 'Stop Capture' }).click();
      // No Wireshark here, so the capture opens as text decoded by tcpdump -r.
      await page.locator('.tabs-container .tab', { hasText: /Capture cap-a-va on cap/ }).waitFor();
      const text = await workbench.waitFor(async () => {
        const shown = await workbench.activeEditorText();
        return /ICMP echo reply/.test(shown) ? shown : undefined;
      }, () => 'the decoded capture in the editor');
      assert.match(text, /Wireshark is not installed here; decoded by tcpdump -r -nn/);
      assert.equal(text.split('\n').filter((line) => /10\.77\.0\.1 > 10\.77\.0\.2: ICMP echo request/.test(line)).length, 3, text);
      await count.waitFor({ state: 'hidden' });
      await page.locator('.statusbar-item', { hasText: 'Stop Capture' }).waitFor({ state: 'hidden' });
      await workbench.screenshot('capture-stopped');

      const read = await run('tcpdump', ['-r', file, '-nn']);
      assert.equal(read.stdout.split('\n').filter((line) => /ICMP echo (request|reply)/.test(line)).length, 6, read.stdout + read.stderr);
      assert.equal((await host.direct('pgrep -a tcpdump || true')).stdout.trim(), '', 'no tcpdump is left on the host');
    });
  });
});
