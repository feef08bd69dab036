// The netlink reader runs the iptables-save and nft children of many namespaces at once, and prints each
// namespace's output when its children end, often after other namespaces (probe-perl-jobs.ts). Here 16
// namespaces hold rules that name their own namespace, so that output given to the wrong namespace, or
// mixed with another's, shows; the ip method, which reads one namespace after the other, must agree.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed, type TestHost } from '../testbed/testbed';
import { createTransport } from '../../src/host/connect';
import { probeHost } from '../../src/host/probe';
import { findNamespace, type Topology } from '../../src/model/topology';

const COUNT = 16;
const names = Array.from({ length: COUNT }, (_, i) => `r${i + 1}`);

let bed: Testbed;
let host: TestHost;

function rulesOf(name: string, i: number): string {
  // More rules in some namespaces than in others, so that their children end in another order.
  const extra = Array.from({ length: (i % 4) * 40 }, (_, k) => `-A INPUT -p tcp --dport ${1000 + k} -m comment --comment ${name}-x${k} -j ACCEPT`);
  return ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]',
    `-A FORWARD -m comment --comment ${name} -j ACCEPT`, ...extra, 'COMMIT',
    '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
    `-A POSTROUTING -m comment --comment ${name} -j MASQUERADE`, 'COMMIT', ''].join('\n');
}

before(async () => {
  bed = await Testbed.start();
  host = await bed.addHost();
  const script = names.map((name, i) => `ip netns add ${name}
ip netns exec ${name} iptables-nft-restore <<'EOF'
${rulesOf(name, i)}EOF
ip netns exec ${name} nft -f - <<'EOF'
table inet t_${name} {
  chain forward { type filter hook forward priority 0; policy accept; iifname "${name}" drop; }
}
EOF`).join('\n');
  await host.mustSh(`set -e\n${script}`);
});

after(async () => {
  await bed?.stop();
});

function check(topology: Topology, method: string): void {
  names.forEach((name, i) => {
    const namespace = findNamespace(topology, name);
    assert.ok(namespace, `${method}: ${name}`);
    const filter = namespace.iptables?.find((t) => t.table === 'filter');
    assert.equal(filter?.rules.length, 1 + (i % 4) * 40, `${method}: ${name}'s filter rules`);
    assert.ok(filter.rules.every((r) => r.comment === name || r.comment?.startsWith(`${name}-x`)), `${method}: ${name}'s own rules`);
    assert.deepEqual(namespace.nat.map((r) => r.comment), [name], `${method}: ${name}'s NAT`);
    assert.deepEqual(namespace.nftTables?.map((t) => t.name), [`t_${name}`], `${method}: ${name}'s nft table`);
  });
}

test('each namespace gets exactly its own rules, as the ip method reads them', async () => {
  const transport = createTransport(host.target, { sshOptions: host.sshOptions });
  try {
    const viaNetlink = await probeHost(transport);
    const viaIp = await probeHost(transport, { method: 'ip' });
    check(viaNetlink, 'netlink');
    check(viaIp, 'ip');
    for (const name of names) {
      const [a, b] = [findNamespace(viaNetlink, name)!, findNamespace(viaIp, name)!];
      assert.deepEqual([a.iptables, a.nat, a.nftTables], [b.iptables, b.nat, b.nftTables], name);
    }
  } finally {
    await transport.close();
  }
});
