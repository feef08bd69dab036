// The trace accuracy gate (issue 14 §4): every scenario of shared/scenarios.md built by hand in testbed
// hosts with the tutorials' commands, read by the probe, and for each check the trace's verdict against
// real traffic: ICMP between every ordered pair of nodes (the host and its namespaces), each node to the
// LAN peer, and the LAN peer to every published port (TCP, to a listener in the namespace where it should
// land). Then each scenario broken on purpose, one thing at a time, and compared again. An uncertain
// verdict passes only where nobody could know (what the LAN does with a reply to a private address).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { compareChecks, disagreements, gateHost, icmpChecks, probeNetwork, type Check, type Compared, type GateHost } from './trace-support';

let bed: Testbed;
before(async () => { bed = await Testbed.start(); });
after(async () => { await bed?.stop(); });

interface Break {
  name: string;
  /** The gate host it is done on, in a lab (`a`, `b`); the only host otherwise. */
  on?: string;
  apply: string;
  /** Undoes it; absent when the later variants build on it. */
  restore?: string;
  /** Why the real traffic may be the same as before (otherwise the break must change some check). */
  mayNotChange?: string;
}

interface GateScenario {
  id: string;
  /** The LAN peer to the host's published ports, and where each lands. */
  published: { port: number; lands: { namespace: string; port: number } }[];
  breaks: Break[];
  /** What the scenario says works, as built: [from, to] (to: a node, an address, or `peer`). */
  works: [string, string][];
}

const nft = (ns: string | null, command: string): string => `${ns ? `ip netns exec ${ns} ` : ''}nft ${command}\n`;
const NFT_FORWARD_DROP = (ns: string | null): Break => ({
  name: 'a native nft forward chain with policy drop',
  apply: nft(ns, 'add table inet gate') + nft(ns, "add chain inet gate forward '{ type filter hook forward priority 0; policy drop; }'"),
  restore: nft(ns, 'delete table inet gate'),
});
const inNs = (ns: string | null, command: string): string => `${ns ? `ip netns exec ${ns} ` : ''}${command}\n`;
const FORWARDING_OFF = (ns: string | null): Break => ({
  name: 'forwarding off', apply: inNs(ns, 'sysctl -qw net.ipv4.ip_forward=0'), restore: inNs(ns, 'sysctl -qw net.ipv4.ip_forward=1'),
});
const FORWARD_DROP = (ns: string | null): Break => ({
  name: 'FORWARD policy DROP', apply: inNs(ns, 'iptables -P FORWARD DROP'), restore: inNs(ns, 'iptables -P FORWARD ACCEPT'),
});
const iptablesRule = (name: string, ns: string | null, rule: string): Break => ({
  name, apply: inNs(ns, `iptables ${rule}`), restore: inNs(ns, `iptables ${rule.replace(/(^| )-([AD]) /, (_, lead: string, op: string) => `${lead}-${op === 'A' ? 'D' : 'A'} `)}`),
});
const linkDown = (ns: string | null, iface: string): Break => ({
  name: `a link down (${iface})`, apply: inNs(ns, `ip link set ${iface} down`), restore: inNs(ns, `ip link set ${iface} up`),
});
const BRIDGED = 'bridged traffic meets FORWARD only with br_netfilter\'s bridge-nf-call-iptables on';

const GATE: GateScenario[] = [
  {
    id: 'A',
    published: [{ port: 8088, lands: { namespace: 'netns2', port: 80 } }],
    works: [['netns1', '172.16.0.1'], ['host', 'netns1'], ['netns2', 'netns3'], ['netns3', 'netns2']],
    breaks: [
      { ...FORWARD_DROP(null), mayNotChange: BRIDGED },
      linkDown(null, 'veth3'),
      { name: 'rp_filter strict (172.16.0.0/24 on veth1 and br0: asymmetric)',
        apply: 'cat /proc/sys/net/ipv4/conf/all/rp_filter > /run/gate-rp-filter\nsysctl -qw net.ipv4.conf.all.rp_filter=1\n',
        restore: 'sysctl -qw net.ipv4.conf.all.rp_filter="$(cat /run/gate-rp-filter)"\n',
        mayNotChange: 'as built, every path it would stop already fails' },
      // The kernel's order of the two connected routes decides A: veth1 down and up makes its route after br0's.
      { name: 'veth1\'s connected route made again, after br0\'s', apply: 'ip link set veth1 down\nip link set veth1 up\n' },
      { ...FORWARDING_OFF(null), name: 'then forwarding off' },
      { ...iptablesRule('then masquerade removed', null, '-t nat -D POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE') },
    ],
  },
  {
    id: 'B',
    published: [{ port: 80, lands: { namespace: 'blue', port: 80 } }],
    works: [['red', 'blue'], ['blue', 'red'], ['host', 'blue'], ['blue', 'peer']],
    breaks: [
      FORWARDING_OFF(null),
      FORWARD_DROP(null),
      NFT_FORWARD_DROP(null),
      { name: 'a missing route (blue\'s default)', apply: 'ip -n blue route del default\n', restore: 'ip -n blue route add default via 192.168.15.5\n' },
      iptablesRule('an INPUT DROP rule', null, '-A INPUT -s 192.168.15.1 -j DROP'),
      linkDown(null, 'veth-blue-br'),
      iptablesRule('masquerade removed', null, '-t nat -D POSTROUTING -s 192.168.15.0/24 -j MASQUERADE'),
    ],
  },
  {
    id: 'C',
    published: [{ port: 8088, lands: { namespace: 'net1', port: 80 } }],
    works: [['net1', '192.168.0.1'], ['net1', 'peer']],
    breaks: [
      FORWARDING_OFF(null),
      FORWARD_DROP(null),
      NFT_FORWARD_DROP(null),
      iptablesRule('masquerade removed', null, '-t nat -D POSTROUTING -s 192.168.0.0/24 ! -o br0 -j MASQUERADE'),
      iptablesRule('an INPUT DROP rule in net1', 'net1', '-A INPUT -p icmp -j DROP'),
      { name: 'a missing route (net1\'s default)', apply: 'ip -n net1 route del default\n', restore: 'ip -n net1 route add default via 192.168.0.1\n' },
    ],
  },
  {
    id: 'D',
    published: [],
    works: [['ns1', 'ns2'], ['ns2', 'ns1']],
    breaks: [
      linkDown('ns2', 'veth-ns2'),
      iptablesRule('an INPUT DROP rule in ns2', 'ns2', '-A INPUT -s 192.168.1.1 -j DROP'),
    ],
  },
  {
    id: 'E',
    published: [],
    works: [['ns1', 'ns2'], ['ns2', 'ns3'], ['ns3', 'ns1']],
    breaks: [
      { ...FORWARD_DROP(null), mayNotChange: BRIDGED },
      { ...NFT_FORWARD_DROP(null), mayNotChange: BRIDGED },
      linkDown(null, 'veth-ns3-br'),
    ],
  },
  {
    id: 'F',
    published: [],
    works: [['ns1', 'ns2'], ['ns2', 'ns1']],
    breaks: [
      FORWARDING_OFF('ns-router'),
      FORWARD_DROP('ns-router'),
      NFT_FORWARD_DROP('ns-router'),
      { name: 'a missing route (ns2 → 192.168.1.0/24)', apply: 'ip -n ns2 route del 192.168.1.0/24\n', restore: 'ip -n ns2 route add 192.168.1.0/24 via 192.168.2.1\n' },
      iptablesRule('an INPUT DROP rule in ns-router', 'ns-router', '-A INPUT -p icmp -j DROP'),
      linkDown('ns-router', 'veth-ns2-router'),
      // An asymmetric path: replies to ns1 come back by a second link, which works while rp_filter is off.
      {
        name: 'a second link for the way back to ns1 (asymmetric), rp_filter off',
        apply: [
          'ip link add veth-ns1b type veth peer name veth-ns1b-rt',
          'ip link set veth-ns1b netns ns1',
          'ip link set veth-ns1b-rt netns ns-router',
          'ip -n ns1 link set veth-ns1b up',
          'ip -n ns-router link set veth-ns1b-rt up',
          'ip -n ns-router route add 192.168.1.2/32 dev veth-ns1b-rt',
          'for ns in ns1 ns-router; do ip netns exec $ns sh -c \'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done\'; done',
          '',
        ].join('\n'),
        mayNotChange: 'the replies take another way, and still arrive',
      },
      { name: 'then rp_filter strict in ns-router', apply: 'ip netns exec ns-router sysctl -qw net.ipv4.conf.all.rp_filter=1\n' },
    ],
  },
  {
    id: 'G',
    published: [],
    works: [['a/ns1', 'b/ns1'], ['b/ns1', 'a/ns1'], ['a/ns2', 'b/ns2']],
    breaks: [
      { ...FORWARDING_OFF(null), on: 'b' },
      { ...FORWARD_DROP(null), on: 'a' },
      { name: 'a missing route (a → 192.168.2.0/24)', on: 'a', apply: 'ip route del 192.168.2.0/24\n', restore: 'ip route add 192.168.2.0/24 via 10.0.2.16\n' },
      { ...linkDown(null, 'veth-ns1-br'), on: 'b' },
      { ...NFT_FORWARD_DROP(null), on: 'b' },
    ],
  },
  {
    id: 'H',
    published: [],
    works: [['myns', '10.85.0.1'], ['myns', 'peer'], ['host', 'myns']],
    breaks: [
      FORWARDING_OFF(null),
      FORWARD_DROP(null),
      iptablesRule('masquerade removed', null, '-t nat -D chain-myns ! -d 224.0.0.0/4 -j MASQUERADE'),
      { name: 'a missing route (myns\'s default)', apply: 'ip -n myns route del default\n', restore: 'ip -n myns route add default via 10.85.0.1\n' },
      iptablesRule('an INPUT DROP rule', null, '-A INPUT -i cni0 -p icmp -j DROP'),
    ],
  },
];

const AS_BUILT: Break = { name: 'as built', apply: '' };

function outcomes(compared: readonly Compared[]): string {
  return compared.map((c) => `${c.check.from}>${c.check.to}:${c.real}`).join(' ');
}

async function runVariant(gates: GateHost[], scenario: GateScenario, variant: Break): Promise<{ problems: string[]; compared: Compared[] }> {
  const on = gates.find((g) => g.name === (variant.on ?? gates[0].name))!;
  if (variant.apply) await on.host.mustSh(`set -e\n${variant.apply}`);
  const network = await probeNetwork(gates);
  const published = scenario.published.map((p): Check => ({ from: 'peer', to: gates[0].host.ip, protocol: 'tcp', port: p.port, lands: p.lands }));
  const compared = await compareChecks(bed, gates, network, [...icmpChecks(network), ...published]);
  if (variant.restore) await on.host.mustSh(`set -e\n${variant.restore}`);
  return { problems: disagreements(`${scenario.id}, ${variant.name}`, compared), compared };
}

for (const scenario of GATE) {
  test(`gate ${scenario.id}: the trace agrees with real traffic, as built and broken ${scenario.breaks.length} ways`, async (t) => {
    const spec = SCENARIOS[scenario.id];
    const names = spec.hosts.length > 1 ? ['a', 'b'] : ['host'];
    const hosts = await Promise.all(spec.hosts.map((h) => bed.addHost({ address: h.address, peer: h.peer })));
    const gates = hosts.map((h, i) => gateHost(names[i], h));
    try {
      await Promise.all(hosts.map((h, i) => h.mustSh(spec.hosts[i].script)));
      const problems: string[] = [];
      const built = await runVariant(gates, scenario, AS_BUILT);
      problems.push(...built.problems);
      for (const [from, to] of scenario.works) {
        const check = built.compared.find((c) => c.check.from === from && c.check.to === to);
        assert.equal(check?.real, true, `${scenario.id}: ${from} → ${to} works as built`);
      }
      let previous = outcomes(built.compared);
      for (const variant of scenario.breaks) {
        const broken = await runVariant(gates, scenario, variant);
        problems.push(...broken.problems);
        const now = outcomes(broken.compared);
        if (now === previous && !variant.mayNotChange) problems.push(`${scenario.id}, ${variant.name}: the real traffic did not change; the break breaks nothing`);
        if (!variant.restore) previous = now;
        t.diagnostic(`${scenario.id}, ${variant.name}: ${broken.compared.filter((c) => c.real).length}/${broken.compared.length} checks get through`);
      }
      assert.deepEqual(problems, [], problems.join('\n'));
    } finally {
      await Promise.all(gates.map((g) => g.transport.close()));
      await Promise.all(hosts.map((h) => h.remove()));
    }
  });
}
