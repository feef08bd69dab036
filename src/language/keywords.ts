// Which statements each kind of block accepts, with the one-line description shown by hover and
// completion. The parser, the checker, completion and the docs all read these tables, so they agree.

import { INTERFACE_KEYWORDS, interfaceSummary, interfaceSyntax } from './interface-statements';
import { IMPAIRMENT_FACTS, IMPAIRMENT_SETTINGS } from '../model/impairment';

/**
 * `interface` is the block of a statement that declares an interface (`bridge NAME { … }`, `dummy NAME { … }`);
 * `link` is a veth's block (`veth a:x -- b:y { delay 20ms }`).
 */
export type BlockContext = 'top' | 'machine' | 'place' | 'interface' | 'chain' | 'link';

export interface KeywordInfo {
  keyword: string;
  /** How it is written, e.g. `veth PLACE:IFNAME -- PLACE:IFNAME`. */
  syntax: string;
  summary: string;
}

/** The settings of an impairment, each of which may start a line of a veth's or an interface's block. */
const IMPAIRMENT_LINES: KeywordInfo[] = IMPAIRMENT_SETTINGS.map((keyword) => ({
  keyword, syntax: `${IMPAIRMENT_FACTS[keyword].syntax} […]`, summary: IMPAIRMENT_FACTS[keyword].summary,
}));

export const STATEMENTS: Record<BlockContext, KeywordInfo[]> = {
  top: [
    { keyword: 'lab', syntax: 'lab NAME [ssh TARGET]', summary: 'Names the lab. The name marks everything apply creates, so that destroy removes only that.' },
    { keyword: 'machine', syntax: 'machine NAME [ssh TARGET] { … }', summary: 'One host of a lab that spans several hosts, reached over SSH at TARGET.' },
    { keyword: 'host', syntax: 'host { … }', summary: "The host's root network namespace (always exists; `host` in endpoints)." },
    { keyword: 'namespace', syntax: 'namespace NAME [{ … }]', summary: 'A named network namespace (`ip netns add NAME`).' },
    { keyword: 'veth', syntax: 'veth PLACE:IFNAME -- PLACE:IFNAME [{ delay 20ms loss 1% … }]', summary: 'A veth pair. PLACE is `host`, a namespace, or a bridge (the end becomes a port of it). Its block impairs the link (tc netem).' },
    { keyword: 'expect', syntax: 'expect FROM reaches|does not reach TARGET [icmp | tcp PORT | udp PORT] [lands on NS[:PORT]]', summary: 'What must (or must not) reach what. Checked against the file as you type, and live by `vnet test`; it creates nothing on a host.' },
  ],
  machine: [
    { keyword: 'host', syntax: 'host { … }', summary: "This machine's root network namespace." },
    { keyword: 'namespace', syntax: 'namespace NAME [{ … }]', summary: 'A named network namespace on this machine.' },
    { keyword: 'veth', syntax: 'veth PLACE:IFNAME -- PLACE:IFNAME [{ delay 20ms loss 1% … }]', summary: 'A veth pair on this machine.' },
  ],
  place: [
    { keyword: 'forwarding', syntax: 'forwarding on|off', summary: 'IPv4 and IPv6 forwarding in this namespace (net.ipv4.ip_forward). Off unless written.' },
    { keyword: 'forward-policy', syntax: 'forward-policy accept|drop', summary: "Policy of the filter table's FORWARD chain (Docker sets it to drop)." },
    { keyword: 'loopback', syntax: 'loopback up|down', summary: 'Sets `lo` up. A new namespace has lo down, so 127.0.0.1 does not answer until it is up.' },
    ...INTERFACE_KEYWORDS.map((keyword) => ({ keyword, syntax: interfaceSyntax(keyword), summary: interfaceSummary(keyword) })),
    { keyword: 'address', syntax: 'address IFNAME CIDR…', summary: 'Adds addresses (with prefix length) to an interface of this namespace.' },
    { keyword: 'link', syntax: 'link IFNAME [mtu N] [up|down]', summary: 'Sets the MTU or state of an interface of this namespace. Interfaces are up unless set down.' },
    { keyword: 'route', syntax: 'route default|CIDR [via ADDRESS] [dev IFNAME]', summary: 'A route of this namespace, as `ip route add`.' },
    { keyword: 'nat', syntax: 'nat ACTION [MATCH…] | nat chain NAME { … }', summary: "A rule of this namespace's iptables nat table, or a user chain of it." },
    { keyword: 'impair', syntax: 'impair IFNAME SETTING VALUE…', summary: 'Impairs the packets an interface of this namespace sends: delay, jitter, loss, rate… (tc netem).' },
  ],
  interface: [
    { keyword: 'address', syntax: 'address CIDR…', summary: "Adds addresses to the interface; a bridge's address is usually the gateway of its ports." },
    { keyword: 'mtu', syntax: 'mtu N', summary: 'MTU of the interface.' },
    { keyword: 'down', syntax: 'down', summary: 'Leaves the interface down (interfaces are up unless written down).' },
    { keyword: 'up', syntax: 'up', summary: 'The interface is up (the default).' },
    ...IMPAIRMENT_LINES,
  ],
  link: [
    ...IMPAIRMENT_LINES,
    { keyword: '->', syntax: '-> SETTING VALUE…', summary: 'Impairs only the packets the left end sends (to the right end).' },
    { keyword: '<-', syntax: '<- SETTING VALUE…', summary: 'Impairs only the packets the right end sends (to the left end).' },
  ],
  chain: [
    { keyword: 'masquerade', syntax: 'masquerade [MATCH…]', summary: 'Rewrites the source to the address of the outgoing interface (-j MASQUERADE).' },
    { keyword: 'snat', syntax: 'snat to ADDRESS[:PORTS] [MATCH…]', summary: 'Rewrites the source address (-j SNAT --to-source).' },
    { keyword: 'dnat', syntax: 'dnat [tcp|udp PORT] to ADDRESS[:PORT] | NAMESPACE[:PORT] [MATCH…]', summary: 'Rewrites the destination: a published port (-j DNAT --to-destination).' },
    { keyword: 'jump', syntax: 'jump CHAIN [MATCH…]', summary: 'Sends matching packets to a user chain (-j CHAIN).' },
    { keyword: 'accept', syntax: 'accept [MATCH…]', summary: 'Stops NAT processing for matching packets (-j ACCEPT).' },
    { keyword: 'return', syntax: 'return [MATCH…]', summary: 'Returns to the calling chain (-j RETURN).' },
  ],
};

export const NAT_ACTIONS = STATEMENTS.chain.map((k) => k.keyword);

export interface MatcherInfo {
  keyword: string;
  syntax: string;
  summary: string;
}

export const MATCHERS: MatcherInfo[] = [
  { keyword: 'src', syntax: 'src ADDRESS[/PREFIX]', summary: 'Source address or subnet (-s).' },
  { keyword: 'not-src', syntax: 'not-src ADDRESS[/PREFIX]', summary: 'Source is not this address or subnet (! -s).' },
  { keyword: 'dst', syntax: 'dst ADDRESS[/PREFIX]', summary: 'Destination address or subnet (-d).' },
  { keyword: 'not-dst', syntax: 'not-dst ADDRESS[/PREFIX]', summary: 'Destination is not this address or subnet (! -d).' },
  { keyword: 'in', syntax: 'in IFNAME', summary: 'Arrives on this interface (-i); `+` at the end matches a prefix.' },
  { keyword: 'not-in', syntax: 'not-in IFNAME', summary: 'Does not arrive on this interface (! -i).' },
  { keyword: 'out', syntax: 'out IFNAME', summary: 'Leaves by this interface (-o).' },
  { keyword: 'not-out', syntax: 'not-out IFNAME', summary: 'Does not leave by this interface (! -o).' },
  { keyword: 'proto', syntax: 'proto PROTOCOL', summary: 'Protocol (-p), e.g. tcp, udp, icmp.' },
  { keyword: 'tcp', syntax: 'tcp [PORT]', summary: 'TCP, to this destination port or range (-p tcp --dport PORT).' },
  { keyword: 'udp', syntax: 'udp [PORT]', summary: 'UDP, to this destination port or range (-p udp --dport PORT).' },
  { keyword: 'sctp', syntax: 'sctp [PORT]', summary: 'SCTP, to this destination port or range (-p sctp --dport PORT).' },
  { keyword: 'to', syntax: 'to ADDRESS[:PORT] | NAMESPACE[:PORT]', summary: 'Where snat/dnat translate to; a namespace stands for its address.' },
];

export { PORT_PROTOCOLS } from '../model/ports';

/** The words of an `expect` statement after its keyword, for hover, completion and the reserved words. */
export const EXPECT_WORDS: MatcherInfo[] = [
  { keyword: 'reaches', syntax: 'expect FROM reaches TARGET', summary: 'The round trip must work: the request lands at TARGET and its reply comes back.' },
  { keyword: 'does', syntax: 'expect FROM does not reach TARGET', summary: 'The round trip must not work.' },
  { keyword: 'not', syntax: 'expect FROM does not reach TARGET', summary: 'The round trip must not work.' },
  { keyword: 'reach', syntax: 'expect FROM does not reach TARGET', summary: 'The round trip must not work.' },
  { keyword: 'icmp', syntax: 'icmp', summary: 'An echo request and its reply (ping); the default without a port.' },
  { keyword: 'tcp', syntax: 'tcp PORT', summary: 'A TCP connection to PORT (the default when the target has a port).' },
  { keyword: 'udp', syntax: 'udp PORT', summary: 'A UDP datagram to PORT, and its answer.' },
  { keyword: 'lands', syntax: 'lands on NS[:PORT]', summary: 'Where the request must land after NAT, e.g. a published port that must land on netns2:80.' },
];

/** The protocols an `expect` can ask about. */
export const EXPECT_PROTOCOLS = ['icmp', 'tcp', 'udp'] as const;

/** Words with a fixed meaning somewhere; a name equal to one is printed quoted to stay unambiguous. */
export const RESERVED_WORDS = new Set<string>([
  ...Object.values(STATEMENTS).flat().map((k) => k.keyword),
  ...MATCHERS.map((m) => m.keyword),
  ...EXPECT_WORDS.map((w) => w.keyword),
  'ssh', 'chain', 'default', 'via', 'dev', 'on', 'off', 'drop', 'mtu', '--',
]);

/** Any context's description of a keyword, for hover. */
export function anyStatementInfo(keyword: string): KeywordInfo | undefined {
  for (const list of Object.values(STATEMENTS)) {
    const found = list.find((k) => k.keyword === keyword);
    if (found) return found;
  }
  return undefined;
}

/** Where a statement may be written, for "X belongs inside …" messages. */
export function contextsOf(keyword: string): BlockContext[] {
  return (Object.keys(STATEMENTS) as BlockContext[]).filter((c) => STATEMENTS[c].some((k) => k.keyword === keyword));
}

export const CONTEXT_NAMES: Record<BlockContext, string> = {
  top: 'at the top level of the file',
  machine: 'inside a machine { } block',
  place: 'inside a host { } or namespace NAME { } block',
  interface: `inside a ${INTERFACE_KEYWORDS.map((k) => `${k} NAME { }`).join(' or ')} block`,
  chain: 'inside a nat chain NAME { } block (or after `nat` in a place)',
  link: 'inside a veth … { } block',
};
