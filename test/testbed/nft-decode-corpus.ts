// Rules in many shapes, for comparing the Perl reader's own decoding of native nftables tables
// (src/host/probe-perl-nft-decode.ts) with nft's. Each rule is loaded alone in a table of each family it is
// valid in; `decoded` says in which of them the reader decodes it itself (elsewhere nft reads the table):
// what it leaves to nft is a set, a range, a wildcard, a merged payload, reject, log, a protocol with no
// name in /etc/protocols, a dependency that does not stand right before its payload, and the like.

import type { NftFamily } from '../../src/model/nftables';

export interface DecodeShape {
  rule: string;
  families: NftFamily[];
  decoded: NftFamily[];
}

export const DECODE_SHAPES: DecodeShape[] = [
  { rule: 'ip protocol tcp tcp dport 22 accept', families: ['inet', 'ip'], decoded: ['ip'] },
  { rule: 'meta l4proto tcp iifname "x" tcp dport 22 accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'iifname "eth*" accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'tcp dport 1-100 accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'ct state { established, related } accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'ip6 daddr ::ffff:1.2.3.4 accept', families: ['inet', 'ip6'], decoded: [] },
  { rule: 'ip6 saddr ::1.2.3.4 accept', families: ['inet', 'ip6'], decoded: [] },
  { rule: 'ip6 saddr 2001:db8::1:0:0:1 accept', families: ['inet', 'ip6'], decoded: ['inet', 'ip6'] },
  { rule: 'ip6 saddr 2001:0:0:1::1 accept', families: ['inet', 'ip6'], decoded: ['inet', 'ip6'] },
  { rule: 'ip6 daddr 1:0:0:2:0:0:0:3 accept', families: ['inet', 'ip6'], decoded: ['inet', 'ip6'] },
  { rule: 'ip6 daddr 1:0:0:2:0:0:3:0 accept', families: ['inet', 'ip6'], decoded: ['inet', 'ip6'] },
  { rule: 'ip6 daddr 0:1:0:0:2:0:0:0 accept', families: ['inet', 'ip6'], decoded: ['inet', 'ip6'] },
  { rule: 'ip6 daddr ::2:0:0:0:0:3 accept', families: ['inet', 'ip6'], decoded: ['inet', 'ip6'] },
  { rule: 'ip6 daddr 1:2:3:4:5:6:7:8 drop', families: ['inet', 'ip6'], decoded: ['inet', 'ip6'] },
  { rule: 'ip saddr & 0.0.0.255 == 0.0.0.1 accept', families: ['inet', 'ip'], decoded: [] },
  { rule: 'ct state established,related,new,invalid,untracked accept', families: ['inet', 'ip', 'ip6'], decoded: ['inet', 'ip', 'ip6'] },
  { rule: 'ct state established accept', families: ['inet', 'ip', 'ip6'], decoded: ['inet', 'ip', 'ip6'] },
  { rule: 'ct state == established accept', families: ['inet', 'ip', 'ip6'], decoded: ['inet', 'ip', 'ip6'] },
  { rule: 'ct state != invalid,new accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'ct status dnat accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'meta mark 1 accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'ip daddr 10.0.0.0/31 accept', families: ['inet', 'ip'], decoded: ['inet', 'ip'] },
  { rule: 'ip daddr 10.0.0.0/32 accept', families: ['inet', 'ip'], decoded: ['inet', 'ip'] },
  { rule: 'ip daddr 0.0.0.0/1 accept', families: ['inet', 'ip'], decoded: ['inet', 'ip'] },
  { rule: 'ip6 daddr fe80::/10 accept', families: ['inet', 'ip6'], decoded: ['inet', 'ip6'] },
  { rule: 'ip6 daddr fe80::/16 accept', families: ['inet', 'ip6'], decoded: ['inet', 'ip6'] },
  { rule: 'ip6 daddr ::/1 accept', families: ['inet', 'ip6'], decoded: ['inet', 'ip6'] },
  { rule: 'meta nfproto ipv6 accept', families: ['inet'], decoded: ['inet'] },
  { rule: 'meta nfproto != ipv4 accept', families: ['inet'], decoded: ['inet'] },
  { rule: 'meta l4proto ipv6-icmp accept', families: ['inet', 'ip6'], decoded: ['inet', 'ip6'] },
  { rule: 'meta l4proto 253 accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'meta l4proto != udp accept', families: ['inet', 'ip', 'ip6'], decoded: ['inet', 'ip', 'ip6'] },
  { rule: 'udp sport 53 udp dport 54 accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'ip saddr 1.1.1.1 ip daddr 2.2.2.2 accept', families: ['inet', 'ip'], decoded: ['inet', 'ip'] },
  { rule: 'ip6 saddr fd00::1 ip6 daddr fd00::2 tcp dport 80 accept', families: ['inet', 'ip6'], decoded: ['inet', 'ip6'] },
  { rule: 'ip saddr != 10.0.0.0/8 ip daddr 10.0.0.0/8 accept', families: ['inet', 'ip'], decoded: ['inet', 'ip'] },
  { rule: 'ip saddr 10.0.0.0/8 iifname "a" ip daddr 10.0.0.0/8 accept', families: ['inet', 'ip'], decoded: ['inet', 'ip'] },
  { rule: 'tcp dport 22 iifname "a" tcp sport 5 accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'counter accept comment "a quoted comment"', families: ['inet', 'ip', 'ip6'], decoded: ['inet', 'ip', 'ip6'] },
  { rule: 'reject', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'log prefix "x" drop', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'tcp flags syn accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'meta l4proto != tcp th dport 5 accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'ip protocol != udp th dport 6 accept', families: ['inet', 'ip'], decoded: [] },
  { rule: 'iifname "lo" accept comment "ünïcode"', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'iifname "012345678901234" accept', families: ['inet', 'ip', 'ip6'], decoded: ['inet', 'ip', 'ip6'] },
  { rule: 'oifname != "x" accept', families: ['inet', 'ip', 'ip6'], decoded: ['inet', 'ip', 'ip6'] },
  { rule: 'sctp dport 5 accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'udplite dport 5 accept', families: ['inet', 'ip', 'ip6'], decoded: [] },
  { rule: 'ip protocol icmp accept', families: ['inet', 'ip'], decoded: ['inet', 'ip'] },
  { rule: 'ip protocol 250 accept', families: ['inet', 'ip'], decoded: [] },
  { rule: 'meta nfproto ipv4 ip protocol tcp accept', families: ['inet'], decoded: ['inet'] },
  { rule: 'meta nfproto ipv4 meta l4proto tcp accept', families: ['inet'], decoded: ['inet'] },
  { rule: 'meta nfproto ipv4 iifname "x" ip saddr 1.2.3.4 accept', families: ['inet'], decoded: [] },
  { rule: 'th sport 1 accept', families: ['inet', 'ip', 'ip6'], decoded: ['inet', 'ip', 'ip6'] },
  { rule: 'th dport != 2 accept', families: ['inet', 'ip', 'ip6'], decoded: ['inet', 'ip', 'ip6'] },
  { rule: 'counter', families: ['inet', 'ip', 'ip6'], decoded: ['inet', 'ip', 'ip6'] },
  { rule: 'counter counter accept', families: ['inet', 'ip', 'ip6'], decoded: ['inet', 'ip', 'ip6'] },
  { rule: 'tcp dport 22 counter accept', families: ['inet', 'ip', 'ip6'], decoded: ['inet', 'ip', 'ip6'] },
  { rule: 'ip saddr 1.2.3.4 counter drop', families: ['inet', 'ip'], decoded: ['inet', 'ip'] },
];

/** The table of a shape in one family: `s<index>`, one base chain. */
export function shapeTable(index: number, family: NftFamily): string {
  return `table ${family} s${index} {\n  chain c {\n    type filter hook forward priority 0; policy accept;\n    ${DECODE_SHAPES[index].rule}\n  }\n}\n`;
}

/** Every shape in every family it is valid in. */
export function shapesRuleset(): string {
  return DECODE_SHAPES.flatMap((shape, index) => shape.families.map((family) => shapeTable(index, family))).join('');
}

/** Whole tables the reader decodes: several chains, jumps and gotos, nat with and without a port, a comment. */
export const DECODED_TABLES = `table inet lab {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ct state established,related accept
    ct state invalid drop
    ct state new counter accept
    ct state != established drop
    iifname "eth0" tcp dport 22 accept
    iifname != "eth0" oifname "eth1" accept
    ip saddr 10.0.0.0/8 drop
    ip daddr 192.168.1.1 accept
    ip saddr != 172.16.0.0/12 drop
    ip6 saddr fd00::/64 accept
    ip6 daddr ::1 drop
    meta l4proto udp accept
    meta l4proto icmp accept
    udp dport 53 accept
    tcp sport 80 accept
    ip protocol tcp accept
    meta nfproto ipv4 accept
    tcp dport != 22 drop
    th dport 7 accept
    counter
    jump other
    return
  }
  chain other {
    oifname "x" goto leaf
    drop
  }
  chain leaf {
    accept
  }
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr 10.0.0.0/24 oifname "eth0" masquerade
    oifname "eth1" snat ip to 192.0.2.1
  }
  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    tcp dport 8080 dnat ip to 10.0.0.2:80
    ip daddr 10.9.9.9 dnat ip to 10.0.0.3
  }
}
table ip t4 {
  chain c {
    type filter hook input priority 0; policy drop;
    tcp dport 22 accept comment "ssh in"
    ip saddr != 10.0.0.0/8 drop
    ip protocol udp udp dport 53 accept
    meta l4proto tcp accept
  }
  chain n { type nat hook prerouting priority -100; policy accept; tcp dport 80 dnat to 10.1.1.1:8080; udp dport 53 dnat to 10.1.1.2; }
  chain p { type nat hook postrouting priority 100; policy accept; oifname "eth0" masquerade; }
}
`;
