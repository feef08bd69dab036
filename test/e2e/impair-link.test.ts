// "Impair Link…" and "Clear Impairment" from the Hosts tree in real VS Code, against a testbed host over
// real ssh: the context menu of an interface row, the preset picker, the custom form (a rate alone, which
// is a tbf qdisc: kernels without netem have it too), the direction picker; the row's description and tc on
// the host say what happened.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readExtensionHostLog } from './harness/code-server';
import { extensionErrors } from './harness/extension-log';
import { extensionId, extensionVsix } from './harness/extension-under-test';
import { keepEvidenceOnFailure, startSession, type Session } from './harness/session';
import { startTestbedHosts, type TestbedHosts } from './harness/testbed-hosts';

const VIEW = 'Hosts';
const SETUP = [
  'ip netns add far',
  'ip link add near type veth peer name farend netns far',
  'ip link set near up',
  'ip -n far link set farend up',
].join('\n');

describe('Impair Link from the tree', () => {
  let hosts: TestbedHosts | undefined;
  let session: Session | undefined;

  before(async () => {
    const [bed, vsix] = await Promise.all([startTestbedHosts([{ label: 'slow', script: SETUP }]), extensionVsix()]);
    hosts = bed;
    session = await startSession({ vsixPaths: [vsix], settings: bed.settings, viewport: { width: 1400, height: 1000 } });
    await session.workbench.openViewContainer('VNet');
  });

  after(async () => {
    await session?.close();
    await hosts?.stop();
  });

  test('a custom rate on both ends shows on the row and on the host; Clear Impairment takes it away', async () => {
    assert.ok(session && hosts, 'the testbed or the code-server session did not start');
    const s = session;
    const slow = hosts.get('slow');
    await keepEvidenceOnFailure(s, 'impair-link', async () => {
      const { workbench } = s;
      const rootQdisc = async (where: string) => (JSON.parse(await slow.mustSh(`${where}tc -j qdisc show dev ${where ? 'farend' : 'near'}`)) as { kind: string; root?: boolean }[])
        .find((q) => q.root)?.kind;
      const row = ['slow', 'Namespaces', 'host', 'near'];

      await workbench.contextMenu(await workbench.treePath(VIEW, row), 'Impair Link…');
      await workbench.pick('Custom…', { title: 'Impair near in host' });
      await workbench.answerInput('rate 1mbit', { title: 'custom' });
      await workbench.pick('Both directions', { title: 'Impair link' });
      await workbench.treeChildren(VIEW, row.slice(0, -1), (rows) => rows.some((r) => r.label === 'near' && r.description.includes('impaired: 1mbit')));
      assert.equal(await rootQdisc(''), 'tbf');
      assert.equal(await rootQdisc('ip netns exec far '), 'tbf');
      await workbench.screenshot('impair-link');

      await workbench.contextMenu(await workbench.treePath(VIEW, row), 'Clear Impairment');
      await workbench.treeChildren(VIEW, row.slice(0, -1), (rows) => rows.some((r) => r.label === 'near' && !r.description.includes('impaired')));
      assert.notEqual(await rootQdisc(''), 'tbf');
      assert.notEqual(await rootQdisc('ip netns exec far '), 'tbf');
      assert.deepEqual(extensionErrors(await readExtensionHostLog(s.server), extensionId), []);
    });
  });
});
