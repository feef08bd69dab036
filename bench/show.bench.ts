// `vnet show` on hosts with 100 and 1000 namespaces, beside the two ways people read such hosts today,
// measured in the same run over the same warm ssh connection (ControlMaster, as vnet uses):
//   (a) one ssh exec per namespace running ip -j link/addr/route, the way a naive tool asks;
//   (b) `ip -all netns exec` run on the host in one ssh exec.
// Every namespace has a veth to a bridge, an address and a default route; the host holds 200 NAT rules.
// vnet reads more than either baseline (forwarding, NAT of every namespace, peers across namespaces).
// Then 1000 namespaces of which 100 hold their own rules (iptables-nft filter and nat, and a native nft
// table), beside (c) `ip -all netns exec` running iptables-save and `nft -j list ruleset` in each. The
// probe's reader decodes these rules itself; the same host read with iptables-save and nft in each ruled
// namespace (what rules the reader leaves to them cost) is printed beside.
// Also: how long a hand-made change takes to reach a watcher's subscriber.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../test/testbed/testbed';
import { run } from '../test/testbed/run';
import { createTransport } from '../src/host/connect';
import { probeHost } from '../src/host/probe';
import { watchHost } from '../src/host/watch';
import type { Topology } from '../src/model/topology';
import { measure, median, report, type Figure } from './lib/measure';

const CLI = join(__dirname, '../dist/cli.js');
const SIZES = (process.env.VNET_BENCH_SHOW_SIZES ?? '100,1000').split(',').map(Number);
/** Which parts run: `sizes`, `rules`, `watch` (all by default). */
const CASES = (process.env.VNET_BENCH_SHOW_CASES ?? 'sizes,rules,watch').split(',');
const RULED = 100;

/** Builds the namespaces directly in the host (set-up is not what is measured). */
async function populate(host: TestHost, count: number): Promise<void> {
  const script = `set -e
ip link add br0 type bridge
ip addr add 10.128.0.1/9 dev br0
ip link set br0 up
i=1; while [ $i -le ${count} ]; do echo "netns add n$i"; i=$((i+1)); done > /tmp/add.batch
ip -batch /tmp/add.batch
i=1; while [ $i -le ${count} ]; do
  echo "link add h$i type veth peer name eth0 netns n$i"
  echo "link set h$i master br0 up"
  i=$((i+1))
done > /tmp/links.batch
ip -batch /tmp/links.batch
i=1; while [ $i -le ${count} ]; do
  printf 'addr add 10.128.%d.%d/9 dev eth0\\nlink set eth0 up\\nlink set lo up\\nroute add default via 10.128.0.1\\n' $((i / 250)) $((i % 250 + 2)) > /tmp/ns.batch
  nsenter --net=/run/netns/n$i ip -batch /tmp/ns.batch
  i=$((i+1))
done
{ echo '*nat'; i=1; while [ $i -le 200 ]; do echo "-A PREROUTING -p tcp --dport $((8000 + i)) -j DNAT --to-destination 10.128.1.$((i % 250 + 1)):80"; i=$((i+1)); done; echo COMMIT; } | iptables-restore -n
echo 1 > /proc/sys/net/ipv4/ip_forward
`;
  const result = await host.direct(script, { timeoutMs: 600_000 });
  if (result.exitCode !== 0) throw new Error(`set-up failed: ${result.stderr}`);
}

/** Gives namespaces n1…nCOUNT a few iptables-nft rules in filter and nat, and a small native inet table. */
async function addRules(host: TestHost, count: number): Promise<void> {
  const script = `set -e
cat > /tmp/rules.ipt <<'EOF'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i eth0 -p tcp --dport 80 -j ACCEPT
-A INPUT -p icmp -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -o eth0 -j MASQUERADE
-A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.128.0.1:80
COMMIT
EOF
cat > /tmp/rules.nft <<'EOF'
table inet lab {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ct state established,related accept
    iifname "eth0" tcp dport 22 accept
    ip saddr 10.0.0.0/8 drop
  }
}
EOF
i=1; while [ $i -le ${count} ]; do
  nsenter --net=/run/netns/n$i iptables-nft-restore /tmp/rules.ipt
  nsenter --net=/run/netns/n$i nft -f /tmp/rules.nft
  i=$((i+1))
done
`;
  const result = await host.direct(script, { timeoutMs: 600_000 });
  if (result.exitCode !== 0) throw new Error(`rules set-up failed: ${result.stderr}`);
}

function sshArgs(host: TestHost, controlDir: string): string[] {
  return [...host.sshArgs, '-o', 'ControlMaster=auto', '-o', `ControlPath=${controlDir}/%C`, '-o', 'ControlPersist=120'];
}

async function ssh(host: TestHost, controlDir: string, command: string): Promise<string> {
  const result = await run('ssh', [...sshArgs(host, controlDir), host.target, command], { timeoutMs: 600_000 });
  if (result.exitCode !== 0) throw new Error(`ssh ${command.slice(0, 60)}: ${result.stderr}`);
  return result.stdout;
}

async function vnetShow(host: TestHost): Promise<Topology> {
  const result = await run(process.execPath, [CLI, 'show', '--json', ...host.vnetArgs], { timeoutMs: 600_000 });
  if (result.exitCode !== 0) throw new Error(`vnet show: ${result.stderr}`);
  return JSON.parse(result.stdout) as Topology;
}

async function benchSize(count: number): Promise<Figure[]> {
  const bed = await Testbed.start();
  const controlDir = await mkdtemp(join(tmpdir(), 'vnet-bench-ssh-'));
  try {
    const host = await bed.addHost();
    console.log(`setting up ${count} namespaces…`);
    await populate(host, count);
    const names = (await ssh(host, controlDir, 'ls /run/netns')).split('\n').filter(Boolean);

    // Warm every path once, and check that vnet saw everything.
    const seen = await vnetShow(host);
    const withPeer = seen.namespaces.filter((n) => n.interfaces.some((i) => i.peer?.namespace === 'host')).length;
    const nat = seen.namespaces.find((n) => n.root)!.nat.length;
    if (seen.namespaces.length !== count + 1 || withPeer !== count || nat !== 200) {
      throw new Error(`vnet show saw ${seen.namespaces.length} namespaces, ${withPeer} with a peer in the host, ${nat} NAT rules`);
    }
    const naive = async () => {
      for (const name of names) await ssh(host, controlDir, `ip -n ${name} -j -d link show; ip -n ${name} -j addr show; ip -n ${name} -j route show`);
    };
    const allNetns = () => ssh(host, controlDir, "ip -all netns exec sh -c 'ip -j -d link show; ip -j addr show; ip -j route show' >/dev/null");
    await allNetns();

    const runs = count >= 1000 ? 5 : 7;
    const show = median(await measure(runs, () => vnetShow(host)));
    const transport = createTransport(host.target, { sshOptions: host.sshOptions });
    const probeOnly = median(await measure(runs, () => probeHost(transport)));
    const probeIp = median(await measure(count >= 1000 ? 1 : 3, () => probeHost(transport, { method: 'ip', timeoutMs: 600_000 })));
    await transport.close();
    const all = median(await measure(count >= 1000 ? 3 : 5, allNetns));
    console.log(`timing the naive baseline (${count} ssh execs)…`);
    const perNamespace = median(await measure(1, naive));

    return [
      { name: `vnet show --json, ${count} namespaces over ssh`, ms: show, baseline: { name: '(a) one ssh exec per namespace', ms: perNamespace },
        target: count >= 1000 ? '≤ 1 s and ≥ 20× faster than (a)' : '≥ 20× faster than (a)',
        met: perNamespace / show >= 20 && (count < 1000 || show <= 1000) },
      { name: `vnet show --json, ${count} namespaces over ssh`, ms: show, baseline: { name: '(b) ip -all netns exec on the host', ms: all }, target: 'faster than (b)', met: show < all },
      { name: `  of which the probe itself (in-process, no CLI start-up)`, ms: probeOnly },
      { name: `  the probe's fallback (nsenter + ip -batch per namespace)`, ms: probeIp, baseline: { name: '(b) ip -all netns exec', ms: all } },
    ];
  } finally {
    await bed.stop();
    await rm(controlDir, { recursive: true, force: true });
  }
}

async function benchRules(count: number, ruled: number): Promise<Figure[]> {
  const bed = await Testbed.start();
  const controlDir = await mkdtemp(join(tmpdir(), 'vnet-bench-ssh-'));
  try {
    const host = await bed.addHost();
    console.log(`setting up ${count} namespaces, ${ruled} with rules…`);
    await populate(host, count);
    await addRules(host, ruled);

    const seen = await vnetShow(host);
    const filtered = seen.namespaces.filter((n) => n.iptables?.some((t) => t.table === 'filter' && t.rules.length === 3)).length;
    const natted = seen.namespaces.filter((n) => !n.root && n.nat.length === 2).length;
    const native = seen.namespaces.filter((n) => n.nftTables?.some((t) => t.name === 'lab' && t.chains[0]?.rules.length === 3)).length;
    if (seen.namespaces.length !== count + 1 || filtered !== ruled || natted !== ruled || native !== ruled) {
      throw new Error(`vnet show saw ${seen.namespaces.length} namespaces, ${filtered} with filter rules, ${natted} with NAT, ${native} with the nft table`);
    }
    const allNetns = () => ssh(host, controlDir, "ip -all netns exec sh -c 'iptables-save; nft -j list ruleset' >/dev/null 2>&1");
    await allNetns();

    const show = median(await measure(5, () => vnetShow(host)));
    const transport = createTransport(host.target, { sshOptions: host.sshOptions });
    const probeOnly = median(await measure(5, () => probeHost(transport)));
    // The same host read the way rules the reader cannot decode are read: iptables-save and nft per namespace.
    const probeSaving = median(await measure(5, () => probeHost(transport, { decodeNft: false })));
    await transport.close();
    const all = median(await measure(3, allNetns));
    const title = `vnet show --json, ${count} namespaces (${ruled} with rules) over ssh`;
    return [
      { name: title, ms: show, baseline: { name: '(c) ip -all netns exec iptables-save + nft -j list ruleset', ms: all },
        target: '≤ 1 s and faster than (c)', met: show <= 1000 && show < all },
      { name: `  of which the probe itself (in-process, no CLI start-up)`, ms: probeOnly },
      { name: `  the probe when iptables-save and nft read every ruled namespace (rules the reader does not decode)`, ms: probeSaving },
    ];
  } finally {
    await bed.stop();
    await rm(controlDir, { recursive: true, force: true });
  }
}

async function benchWatch(): Promise<Figure[]> {
  const bed = await Testbed.start();
  try {
    const host = await bed.addHost();
    const transport = createTransport(host.target, { sshOptions: host.sshOptions });
    let notified: (() => void) | null = null;
    const watcher = watchHost(transport, () => notified?.());
    while (watcher.status !== 'live') await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    let i = 0;
    const latency = median(await measure(9, async () => {
      const arrived = new Promise<void>((resolve) => { notified = resolve; });
      await host.direct(`ip link add w${i++} type bridge`);
      await arrived;
      notified = null;
      await new Promise((r) => setTimeout(r, 600));
    }).then((samples) => samples.map((ms) => ms - 600)));
    watcher.stop();
    await watcher.done;
    await transport.close();
    return [{ name: 'watch: a hand-made change reaches the subscriber', ms: latency, target: '≤ 1 s', met: latency <= 1000 }];
  } finally {
    await bed.stop();
  }
}

async function main(): Promise<void> {
  if (CASES.includes('sizes')) for (const size of SIZES) report(`vnet show — ${size} namespaces`, await benchSize(size));
  if (CASES.includes('rules')) report(`vnet show — 1000 namespaces, ${RULED} with rules`, await benchRules(1000, RULED));
  if (CASES.includes('watch')) report('vnet watch', await benchWatch());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
