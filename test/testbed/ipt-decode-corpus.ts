// iptables rulesets in many shapes, for comparing the probe reader's own decoding of iptables-nft's tables
// (src/host/probe-perl-ipt-decode.ts) with iptables-nft-save. Each is loaded alone in a namespace with
// iptables-nft-restore. Those in DECODED are read by the reader itself; those in LEFT_TO_SAVE hold
// something it leaves to iptables-save (a match or target it does not decode, a merged load, options).

/** iptables-restore text: each table with its rules, and the user chains the rules need. */
function restore(tables: Record<string, { rules: string[]; chains?: string[]; policies?: Record<string, string> }>): string {
  return Object.entries(tables).map(([table, { rules, chains = [], policies = {} }]) => [
    `*${table}`,
    ...Object.entries(policies).map(([chain, policy]) => `:${chain} ${policy} [0:0]`),
    ...chains.map((chain) => `:${chain} - [0:0]`),
    ...rules,
    'COMMIT',
  ].join('\n')).join('\n') + '\n';
}

export const DECODED: Record<string, string> = {
  // The bench's namespaces.
  bench: restore({
    filter: { policies: { FORWARD: 'DROP' }, rules: [
      '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A FORWARD -i eth0 -p tcp --dport 80 -j ACCEPT',
      '-A INPUT -p icmp -j ACCEPT',
    ] },
    nat: { rules: ['-A POSTROUTING -o eth0 -j MASQUERADE', '-A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.128.0.1:80'] },
  }),
  // Addresses, interfaces and protocols, plain and negated; prefixes on and off byte boundaries.
  fixed: restore({
    filter: { policies: { INPUT: 'DROP' }, rules: [
      '-A INPUT -s 10.0.0.0/8 -j DROP', '-A INPUT -d 10.1.2.3/32 -j ACCEPT', '-A INPUT ! -s 192.168.0.0/16 -i eth0 -j DROP',
      '-A INPUT -i eth+ -j ACCEPT', '-A OUTPUT ! -o veth0 -j ACCEPT', '-A INPUT -s 10.0.0.0/12 -j ACCEPT',
      '-A INPUT -d 10.0.0.128/25 -j DROP', '-A INPUT ! -d 0.0.0.0/1 -j DROP', '-A INPUT ! -p tcp -j ACCEPT', '-A INPUT -p udp',
      '-A FORWARD -s 10.0.0.1/32 -d 10.0.0.2/32 -i a -o b -p tcp -m tcp --dport 2 -j ACCEPT', '-A FORWARD -s 1.2.3.4/32',
    ] },
  }),
  // Ports, conntrack states, comments, user chains (listed by name), jumps and gotos.
  matches: restore({
    filter: { chains: ['ZED', 'MYCHAIN', 'DOCKER-USER'], rules: [
      '-A FORWARD -j DOCKER-USER', '-A FORWARD -p udp -m udp ! --sport 53 -j ACCEPT', '-A FORWARD -p tcp -m tcp ! --dport 22 -j DROP',
      '-A FORWARD -m conntrack ! --ctstate NEW,UNTRACKED -j DROP', '-A FORWARD -m conntrack --ctstate INVALID -j DROP',
      '-A FORWARD -m conntrack --ctstate INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED,SNAT,DNAT -j ACCEPT',
      '-A FORWARD -m comment --comment "it\'s a \\"test\\"" -j ACCEPT', '-A FORWARD -m comment --comment under_score-dash -j ACCEPT',
      '-A FORWARD -m comment --comment "" -j ACCEPT', '-A FORWARD -p tcp -m tcp --dport 22 -m comment --comment ssh -j ACCEPT',
      '-A FORWARD -j MYCHAIN', '-A FORWARD -g ZED', '-A MYCHAIN -j RETURN', '-A ZED -j DROP', '-A DOCKER-USER -j RETURN',
    ] },
  }),
  // NAT as Docker writes it (without addrtype), SNAT, and mangle and raw beside.
  nat: restore({
    mangle: { rules: ['-A PREROUTING -i eth0 -j ACCEPT', '-A POSTROUTING -o eth1 -j ACCEPT'] },
    raw: { rules: ['-A PREROUTING -s 10.0.0.0/12 -j ACCEPT', '-A OUTPUT -d 10.9.0.0/16 -j DROP'] },
    nat: { chains: ['DOCKER'], rules: [
      '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE', '-A POSTROUTING -s 10.0.1.0/24 -j SNAT --to-source 192.0.2.1',
      '-A POSTROUTING -s 10.0.2.0/24 -p tcp -j SNAT --to-source 192.0.2.2:1000', '-A PREROUTING -d 1.2.3.4/32 -j DNAT --to-destination 10.128.0.2',
      '-A DOCKER -i docker0 -j RETURN', '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
      '-A PREROUTING -j DOCKER',
    ] },
  }),
  // Only built-in chains the rules made: the others are listed as iptables-save lists them.
  sparse: restore({ raw: { rules: ['-A PREROUTING -j ACCEPT'] } }),
};

export const LEFT_TO_SAVE: Record<string, string> = {
  merged: restore({ filter: { rules: ['-A FORWARD -p tcp -m tcp --sport 1 --dport 2 -j ACCEPT'] } }),
  addrtype: restore({ nat: { chains: ['DOCKER'], rules: ['-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER'] } }),
  multiport: restore({ filter: { rules: ['-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT'] } }),
  range: restore({ filter: { rules: ['-A INPUT -p tcp -m tcp --dport 1000:2000 -j ACCEPT'] } }),
  reject: restore({ filter: { rules: ['-A INPUT -j REJECT --reject-with icmp-port-unreachable'] } }),
  log: restore({ filter: { rules: ['-A INPUT -j LOG --log-prefix "in "'] } }),
  mark: restore({ mangle: { rules: ['-A PREROUTING -j MARK --set-xmark 0x1/0xffffffff', '-A INPUT -m mark --mark 0x1 -j ACCEPT'] } }),
  state: restore({ filter: { rules: ['-A INPUT -m state --state ESTABLISHED -j ACCEPT'] } }),
  masqueradePorts: restore({ nat: { rules: ['-A POSTROUTING -p tcp -j MASQUERADE --to-ports 1000-2000'] } }),
  dnatRange: restore({ nat: { rules: ['-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.2'] } }),
  tcpFlags: restore({ filter: { rules: ['-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK SYN -j DROP'] } }),
  icmpType: restore({ filter: { rules: ['-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT'] } }),
  security: restore({ filter: { rules: ['-A INPUT -j ACCEPT'] }, security: { rules: ['-A INPUT -j ACCEPT'] } }),
};
