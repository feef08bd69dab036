// The networks of shared/scenarios.md, built by hand exactly as the tutorials build them: plain `ip`,
// `ip netns exec` and `iptables -t nat` commands, one per line. Tests run these over ssh on a testbed
// host and compare what VNet reads, applies and exports against them. Literal text only: nothing here
// comes from outside.

export interface ScenarioHost {
  /** LAN address of the host's eth0. */
  address: string;
  /** LAN peer (the testbed world) address on that LAN. */
  peer: string;
  /** The tutorial's commands, as one sh script. */
  script: string;
}

export interface Scenario {
  id: string;
  title: string;
  /** One entry per host; only G has two. */
  hosts: ScenarioHost[];
}

const lines = (...commands: string[]): string => `set -e\n${commands.join('\n')}\n`;

export const SCENARIOS: Record<string, Scenario> = {
  A: {
    id: 'A',
    title: 'Point-to-point, bridge, egress and a published port',
    hosts: [{
      address: '10.0.1.48/24',
      peer: '10.0.1.26',
      script: lines(
        'ip netns add netns1',
        'ip link add veth1 type veth peer name veth1-peer',
        'ip link set veth1-peer netns netns1',
        'ip addr add 172.16.0.1/24 dev veth1',
        'ip link set veth1 up',
        'ip netns exec netns1 ip addr add 172.16.0.2/24 dev veth1-peer',
        'ip netns exec netns1 ip link set veth1-peer up',
        'ip link add br0 type bridge',
        'ip addr add 172.16.0.100/24 dev br0',
        'ip link set br0 up',
        'ip netns add netns2',
        'ip link add veth2 type veth peer name veth2-peer',
        'ip link set veth2-peer netns netns2',
        'ip link set veth2 master br0',
        'ip link set veth2 up',
        'ip netns exec netns2 ip addr add 172.16.0.102/24 dev veth2-peer',
        'ip netns exec netns2 ip link set veth2-peer up',
        'ip netns exec netns2 ip route add default via 172.16.0.100',
        'ip netns add netns3',
        'ip link add veth3 type veth peer name veth3-peer',
        'ip link set veth3-peer netns netns3',
        'ip link set veth3 master br0',
        'ip link set veth3 up',
        'ip netns exec netns3 ip addr add 172.16.0.103/24 dev veth3-peer',
        'ip netns exec netns3 ip link set veth3-peer up',
        'echo 1 > /proc/sys/net/ipv4/ip_forward',
        'iptables -t nat -A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE',
        'iptables -t nat -A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.16.0.102:80',
      ),
    }],
  },
  B: {
    id: 'B',
    title: 'Two namespaces on a bridge, the bridge as gateway',
    hosts: [{
      address: '192.168.1.2/24',
      peer: '192.168.1.3',
      script: lines(
        'ip link add v-net-0 type bridge',
        'ip link set v-net-0 up',
        'ip addr add 192.168.15.5/24 dev v-net-0',
        'ip netns add red',
        'ip netns add blue',
        'ip link add veth-red type veth peer name veth-red-br',
        'ip link add veth-blue type veth peer name veth-blue-br',
        'ip link set veth-red netns red',
        'ip link set veth-red-br master v-net-0',
        'ip link set veth-blue netns blue',
        'ip link set veth-blue-br master v-net-0',
        'ip -n red addr add 192.168.15.1/24 dev veth-red',
        'ip -n blue addr add 192.168.15.2/24 dev veth-blue',
        'ip -n red link set veth-red up',
        'ip -n blue link set veth-blue up',
        'ip link set veth-red-br up',
        'ip link set veth-blue-br up',
        'ip netns exec red ip route add default via 192.168.15.5',
        'ip netns exec blue ip route add default via 192.168.15.5',
        'echo 1 > /proc/sys/net/ipv4/ip_forward',
        'iptables -t nat -A POSTROUTING -s 192.168.15.0/24 -j MASQUERADE',
        'iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 192.168.15.2:80',
      ),
    }],
  },
  C: {
    id: 'C',
    title: 'One namespace behind a bridge with SNAT and DNAT ("net1")',
    hosts: [{
      address: '10.162.0.10/24',
      peer: '10.162.0.20',
      script: lines(
        'ip netns add net1',
        'ip link add br0 type bridge',
        'ip link set br0 up',
        'ip addr add 192.168.0.1/24 dev br0',
        'ip link add veth1 type veth peer name veth1_p',
        'ip link set veth1 netns net1',
        'ip link set veth1_p master br0',
        'ip link set veth1_p up',
        'ip netns exec net1 ip addr add 192.168.0.2/24 dev veth1',
        'ip netns exec net1 ip link set veth1 up',
        'ip netns exec net1 ip route add default via 192.168.0.1',
        'echo 1 > /proc/sys/net/ipv4/ip_forward',
        'iptables -P FORWARD ACCEPT',
        'iptables -t nat -A POSTROUTING -s 192.168.0.0/24 ! -o br0 -j MASQUERADE',
        'iptables -t nat -A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 192.168.0.2:80',
      ),
    }],
  },
  D: {
    id: 'D',
    title: 'Two namespaces joined by one veth pair',
    hosts: [{
      address: '10.99.4.10/24',
      peer: '10.99.4.1',
      script: lines(
        'ip netns add ns1',
        'ip netns add ns2',
        'ip link add veth-ns1 type veth peer name veth-ns2',
        'ip link set veth-ns1 netns ns1',
        'ip link set veth-ns2 netns ns2',
        'ip netns exec ns1 ip addr add 192.168.1.1/24 dev veth-ns1',
        'ip netns exec ns2 ip addr add 192.168.1.2/24 dev veth-ns2',
        'ip netns exec ns1 ip link set veth-ns1 up',
        'ip netns exec ns2 ip link set veth-ns2 up',
      ),
    }],
  },
  E: {
    id: 'E',
    title: 'Three namespaces on one bridge',
    hosts: [{
      address: '10.99.5.10/24',
      peer: '10.99.5.1',
      script: lines(
        'ip link add virtual-bridge type bridge',
        'ip link set virtual-bridge up',
        ...[1, 2, 3].flatMap((i) => [
          `ip netns add ns${i}`,
          `ip link add veth-ns${i} type veth peer name veth-ns${i}-br`,
          `ip link set veth-ns${i} netns ns${i}`,
          `ip link set veth-ns${i}-br master virtual-bridge`,
          `ip link set veth-ns${i}-br up`,
          `ip netns exec ns${i} ip addr add 192.168.1.${i}/24 dev veth-ns${i}`,
          `ip netns exec ns${i} ip link set veth-ns${i} up`,
        ]),
      ),
    }],
  },
  F: {
    id: 'F',
    title: 'Two subnets joined by a router namespace',
    hosts: [{
      address: '10.99.6.10/24',
      peer: '10.99.6.1',
      script: lines(
        'ip netns add ns1',
        'ip netns add ns2',
        'ip netns add ns-router',
        'ip link add veth-ns1 type veth peer name veth-ns1-router',
        'ip link add veth-ns2 type veth peer name veth-ns2-router',
        'ip link set veth-ns1 netns ns1',
        'ip link set veth-ns1-router netns ns-router',
        'ip link set veth-ns2 netns ns2',
        'ip link set veth-ns2-router netns ns-router',
        'ip netns exec ns1 ip addr add 192.168.1.2/24 dev veth-ns1',
        'ip netns exec ns-router ip addr add 192.168.1.1/24 dev veth-ns1-router',
        'ip netns exec ns2 ip addr add 192.168.2.2/24 dev veth-ns2',
        'ip netns exec ns-router ip addr add 192.168.2.1/24 dev veth-ns2-router',
        'ip netns exec ns1 ip link set veth-ns1 up',
        'ip netns exec ns2 ip link set veth-ns2 up',
        'ip netns exec ns-router ip link set veth-ns1-router up',
        'ip netns exec ns-router ip link set veth-ns2-router up',
        'ip netns exec ns-router sysctl -qw net.ipv4.ip_forward=1',
        'ip netns exec ns1 ip route add 192.168.2.0/24 via 192.168.1.1',
        'ip netns exec ns2 ip route add 192.168.1.0/24 via 192.168.2.1',
      ),
    }],
  },
  G: {
    id: 'G',
    title: 'Two hosts, each with its own namespace subnet, routed through the LAN',
    hosts: [
      { address: '10.0.2.15/24', peer: '10.0.2.1', script: scenarioGHost('192.168.1', '192.168.2.0/24', '10.0.2.16') },
      { address: '10.0.2.16/24', peer: '10.0.2.1', script: scenarioGHost('192.168.2', '192.168.1.0/24', '10.0.2.15') },
    ],
  },
  H: {
    id: 'H',
    title: 'A CNI-style bridge with a per-namespace NAT chain',
    hosts: [{
      address: '192.168.61.11/24',
      peer: '192.168.61.12',
      script: lines(
        'ip link add cni0 type bridge',
        'ip link set cni0 up',
        'ip addr add 10.85.0.1/16 dev cni0',
        'ip netns add myns',
        'ip netns exec myns ip link set lo up',
        'ip link add myveth-host type veth peer name myveth-myns',
        'ip link set myveth-myns netns myns',
        'ip link set myveth-host master cni0',
        'ip link set myveth-host up',
        'ip netns exec myns ip addr add 10.85.0.254/16 dev myveth-myns',
        'ip netns exec myns ip link set myveth-myns up',
        'ip netns exec myns ip route add default via 10.85.0.1',
        'echo 1 > /proc/sys/net/ipv4/ip_forward',
        'iptables -t nat -N chain-myns',
        'iptables -t nat -A chain-myns -d 10.85.0.0/16 -j ACCEPT',
        'iptables -t nat -A chain-myns ! -d 224.0.0.0/4 -j MASQUERADE',
        'iptables -t nat -A POSTROUTING -s 10.85.0.254 -j chain-myns',
      ),
    }],
  },
};

function scenarioGHost(subnet: string, otherSubnet: string, otherHost: string): string {
  return lines(
    'ip link add br0 type bridge',
    `ip addr add ${subnet}.1/24 dev br0`,
    'ip link set br0 up',
    ...[1, 2].flatMap((i) => [
      `ip netns add ns${i}`,
      `ip link add veth-ns${i} type veth peer name veth-ns${i}-br`,
      `ip link set veth-ns${i} netns ns${i}`,
      `ip link set veth-ns${i}-br master br0`,
      `ip link set veth-ns${i}-br up`,
      `ip netns exec ns${i} ip addr add ${subnet}.${i + 1}/24 dev veth-ns${i}`,
      `ip netns exec ns${i} ip link set veth-ns${i} up`,
      `ip netns exec ns${i} ip route add default via ${subnet}.1`,
    ]),
    'echo 1 > /proc/sys/net/ipv4/ip_forward',
    `ip route add ${otherSubnet} via ${otherHost}`,
  );
}
