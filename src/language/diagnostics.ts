// The diagnostics of the language: their shape (the contract other parts code against) and the table of
// every stable code. docs/language.md documents each code of this table, and a test keeps them in step.

import type { Range } from './span';
import type { Span } from './span';
import type { TextFix } from './syntax';

export type Severity = 'error' | 'warning' | 'info';

export interface VnetTextEdit {
  range: Range;
  newText: string;
}

export interface VnetQuickFix {
  title: string;
  edits: VnetTextEdit[];
}

export interface VnetDiagnostic {
  /** 0-based lines and UTF-16 characters, as LSP counts them. */
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  /** Edits that fix the problem, when one is obvious (offered as quick fixes). */
  fixes?: VnetQuickFix[];
  /** Other places of the file that explain it (the route or rule that dropped a packet). */
  related?: { range: Range; message: string }[];
}

/** A diagnostic before its offsets are turned into lines and characters. */
export interface Problem {
  span: Span;
  severity: Severity;
  code: string;
  message: string;
  fixes?: TextFix[];
  related?: { span: Span; message: string }[];
}

export interface CodeInfo {
  severity: Severity;
  summary: string;
}

export const CODES: Record<string, CodeInfo> = {
  'VN-SYNTAX-STRING': { severity: 'error', summary: 'A "…" string is not closed, or uses an unknown escape.' },
  'VN-SYNTAX-BRACE': { severity: 'error', summary: 'A { or } is misplaced: a stray }, a { on its own line, or a block after a statement that takes none.' },
  'VN-SYNTAX-UNCLOSED': { severity: 'error', summary: 'A { is never closed.' },
  'VN-SYNTAX-UNKNOWN': { severity: 'error', summary: 'An unknown statement or NAT action (usually a typo).' },
  'VN-SYNTAX-CONTEXT': { severity: 'error', summary: 'A statement written in a block where it does not belong.' },
  'VN-SYNTAX-MISSING': { severity: 'error', summary: 'A statement lacks a required part (a name, a value, `--`, `via`/`dev`).' },
  'VN-SYNTAX-EXTRA': { severity: 'error', summary: 'Words left over after a complete statement.' },
  'VN-SYNTAX-VALUE': { severity: 'error', summary: 'A keyword value that is not one of the allowed ones (e.g. `forwarding yes`).' },
  'VN-SYNTAX-ENDPOINT': { severity: 'error', summary: 'A veth end not written as PLACE:IFNAME.' },
  'VN-IMPAIR-VALUE': { severity: 'error', summary: 'An impairment value with a bad unit (`delay 20`, `rate 10mbps`) or a percentage over 100%.' },
  'VN-IMPAIR-DUPLICATE': { severity: 'error', summary: 'An impairment setting given twice for the same interface.' },
  'VN-IMPAIR-NEEDS': { severity: 'warning', summary: 'A jitter, correlation or reorder without the delay (or jitter) netem needs for it.' },
  'VN-IMPAIR-EXTERNAL': { severity: 'warning', summary: '`impair IFNAME` names an interface the file does not create; apply leaves it alone.' },
  'VN-LAB-MISSING': { severity: 'error', summary: 'The file has no `lab NAME` line.' },
  'VN-LAB-DUPLICATE': { severity: 'error', summary: 'The file has more than one `lab` line.' },
  'VN-LAB-SSH': { severity: 'error', summary: 'An ssh target on the lab line of a file with machine blocks.' },
  'VN-MACHINE-MIXED': { severity: 'error', summary: 'host/namespace/veth at the top level of a file that has machine blocks.' },
  'VN-SSH-TARGET': { severity: 'error', summary: 'An SSH target that ssh would read as an option or that contains blanks.' },
  'VN-NAME-LAB': { severity: 'error', summary: 'A lab or machine name with characters an ownership mark cannot carry.' },
  'VN-NAME-EMPTY': { severity: 'error', summary: 'An empty name ("").' },
  'VN-NAME-LONG': { severity: 'error', summary: 'An interface name longer than 15 bytes (or a namespace name longer than 255).' },
  'VN-NAME-CHARS': { severity: 'error', summary: 'A name with characters the kernel refuses (blank, "/", ":" or control characters).' },
  'VN-NAME-CHAIN': { severity: 'error', summary: 'An iptables chain name that iptables refuses.' },
  'VN-NAME-UNKNOWN': { severity: 'error', summary: 'A name that nothing declares.' },
  'VN-NAME-DUPLICATE': { severity: 'error', summary: 'A name declared twice in the same scope.' },
  'VN-NAME-RESERVED': { severity: 'error', summary: 'A name VNet reserves: a namespace called `host`, a veth end called `lo`.' },
  'VN-NAME-AMBIGUOUS': { severity: 'error', summary: 'A veth place that names bridges in two namespaces.' },
  'VN-NAME-SHADOWED': { severity: 'warning', summary: 'A veth place that is both a namespace and a bridge: it means the namespace.' },
  'VN-NAME-EXTERNAL': { severity: 'info', summary: 'A host interface the lab does not create (e.g. eth0); it must already exist.' },
  'VN-SETTING-DUPLICATE': { severity: 'error', summary: 'A namespace setting (forwarding, forward-policy, loopback) written twice.' },
  'VN-LINK-REUSED': { severity: 'error', summary: 'One interface used by two veth pairs (or both ends of one).' },
  'VN-LINK-CONFLICT': { severity: 'error', summary: 'Two different settings (MTU or state) for one interface.' },
  'VN-LINK-MTU': { severity: 'error', summary: 'An MTU outside 68–65535, or below 1280 on an interface with IPv6 addresses.' },
  'VN-ADDR-INVALID': { severity: 'error', summary: 'An address or CIDR that does not parse, or lacks its prefix length.' },
  'VN-ADDR-HOSTBITS': { severity: 'error', summary: 'A network (route destination, NAT subnet) written with host bits set.' },
  'VN-ADDR-NETWORK': { severity: 'warning', summary: 'An interface given the network or broadcast address of its subnet.' },
  'VN-ADDR-DUPLICATE': { severity: 'error', summary: 'The same address twice in one namespace or on one link.' },
  'VN-ADDR-FAMILY': { severity: 'error', summary: 'IPv4 and IPv6 mixed where one family is needed (route and gateway, NAT rules).' },
  'VN-ROUTE-SUBNET-SHARED': { severity: 'warning', summary: 'One subnet on two interfaces of the same namespace: replies leave by the wrong one.' },
  'VN-ROUTE-GATEWAY': { severity: 'error', summary: 'A gateway on no subnet connected to its namespace.' },
  'VN-ROUTE-GATEWAY-EXTERNAL': { severity: 'info', summary: "A host route via a gateway outside the lab's subnets (reached through the host's own interfaces)." },
  'VN-ROUTE-GATEWAY-SELF': { severity: 'error', summary: 'A gateway that is an address of the same namespace.' },
  'VN-ROUTE-DUPLICATE': { severity: 'error', summary: 'Two routes to the same destination in one namespace.' },
  'VN-ROUTE-NO-EGRESS': { severity: 'warning', summary: 'A namespace whose traffic is masqueraded but which has no route out.' },
  'VN-FORWARDING-OFF': { severity: 'warning', summary: 'NAT or routing through a namespace whose forwarding is off.' },
  'VN-FORWARD-POLICY-DROP': { severity: 'warning', summary: 'FORWARD policy drop in a namespace that forwards or NATs traffic.' },
  'VN-NAT-TO': { severity: 'error', summary: '`to` missing on snat/dnat, written on another action, or not an address.' },
  'VN-NAT-PORT': { severity: 'error', summary: 'A port outside 1–65535, or a port without tcp/udp/sctp.' },
  'VN-NAT-TARGET-AMBIGUOUS': { severity: 'error', summary: '`to NAMESPACE` where the namespace has no IPv4 address, or several.' },
  'VN-NAT-TARGET-SUBNET': { severity: 'warning', summary: 'A DNAT target in no subnet the lab declares.' },
  'VN-NAT-TARGET-UNUSED': { severity: 'warning', summary: 'A DNAT target inside a declared subnet that no interface has.' },
  'VN-NAT-DUPLICATE-PORT': { severity: 'error', summary: 'Two DNAT rules for the same protocol and host port.' },
  'VN-BRIDGE-EMPTY': { severity: 'warning', summary: 'A bridge with no ports.' },
  'VN-BRIDGE-ONE-PORT': { severity: 'warning', summary: 'A bridge with one port (a veth pair alone would do).' },
  'VN-BRIDGE-PORT-ADDRESS': { severity: 'warning', summary: 'An address on a bridge port; it belongs on the bridge.' },
  'VN-EXPECT-UNKNOWN': { severity: 'error', summary: 'An `expect` that names a namespace or machine the file does not declare.' },
  'VN-EXPECT-AMBIGUOUS': { severity: 'error', summary: 'An `expect` namespace that several machines have; write MACHINE/NS.' },
  'VN-EXPECT-ADDRESS': { severity: 'error', summary: 'An `expect` end that is neither an address nor a namespace.' },
  'VN-EXPECT-PORT': { severity: 'error', summary: 'An `expect` port outside 1–65535, missing after tcp/udp, written twice, on icmp, or on the source.' },
  'VN-EXPECT-LANDS': { severity: 'error', summary: '`lands on` without tcp/udp, with an address, or after `does not reach`.' },
  'VN-EXPECT-FAILS': { severity: 'warning', summary: 'An expectation the file\'s own network does not meet: where the packet stops, and why.' },
  'VN-EXPECT-UNCERTAIN': { severity: 'info', summary: 'An expectation the trace cannot settle from the file; what it had to assume.' },
  'VN-EXPECT-UNCHECKED': { severity: 'info', summary: 'An expectation the file cannot answer (an outside source with no way in, or a packet leaving the lab\'s subnets by the host\'s own interfaces); `vnet test` checks it live.' },
};
