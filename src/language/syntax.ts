// The syntax tree of a .vnet file. Every node carries the span of source it came from; fields a broken
// statement could not fill are null rather than missing, so that later passes see the same shape always.

import { isInterfaceKeyword, type InterfaceKeyword } from './interface-statements';
import type { Comment } from './lexer';
import type { Span } from './span';

/** A name as written: bare (`veth1`) or quoted (`"my ns"`). */
export interface Name {
  span: Span;
  text: string;
  quoted: boolean;
}

/** A literal value: an address, a prefix, a port, a keyword argument such as `on`. */
export interface Word {
  span: Span;
  text: string;
}

export interface Block {
  span: Span;
  open: Span;
  /** Null when the file ends before the closing brace. */
  close: Span | null;
  statements: Statement[];
}

interface StatementBase {
  span: Span;
  /** Span of the leading keyword. */
  keyword: Span;
}

export interface LabStatement extends StatementBase {
  kind: 'lab';
  name: Name | null;
  ssh: Name | null;
}

export interface MachineStatement extends StatementBase {
  kind: 'machine';
  name: Name | null;
  ssh: Name | null;
  body: Block | null;
}

/** `host { … }` (the root namespace) or `namespace NAME { … }`. */
export interface PlaceStatement extends StatementBase {
  /** `host { }` is the root namespace's block; `namespace NAME { }` another namespace's. */
  kind: 'root-namespace' | 'namespace';
  name: Name | null;
  body: Block | null;
}

/** One end of a veth pair: `place:ifname`, where place is `host`, a namespace, or a bridge (`ns/bridge`). */
export interface Endpoint {
  span: Span;
  /** The namespace that qualifies a bridge (`ns1/br0:port`); null when not written. */
  scope: Name | null;
  place: Name | null;
  iface: Name | null;
}

export interface VethStatement extends StatementBase {
  kind: 'veth';
  left: Endpoint | null;
  right: Endpoint | null;
  /** `{ delay 20ms … }`: the link's impairments; null when the line has no block. */
  body: Block | null;
}

/** One setting of an impairment: `delay 20ms`, `loss 1%`. The value is checked by the binder. */
export interface ImpairSetting {
  span: Span;
  keyword: Word;
  value: Word | null;
}

/**
 * Impairments of a link: a line of settings in a veth's or an interface's block (`delay 20ms loss 1%`),
 * one direction of a veth (`-> loss 1%`, `<- rate 1mbit`), or `impair IFNAME …` in a place.
 */
export interface ImpairStatement extends StatementBase {
  kind: 'impair';
  /** The interface `impair IFNAME …` names; null inside a block. */
  iface: Name | null;
  /** In a veth block: `->` the packets the left end sends, `<-` the right end's; null for both. */
  direction: Word | null;
  settings: ImpairSetting[];
}

/** A statement that declares an interface of its own kind: `bridge NAME { … }`, `dummy NAME { … }`. */
export interface InterfaceStatement extends StatementBase {
  kind: InterfaceKeyword;
  name: Name | null;
  body: Block | null;
}

/** `address IFNAME CIDR…` in a place, or `address CIDR…` inside an interface's block. */
export interface AddressStatement extends StatementBase {
  kind: 'address';
  iface: Name | null;
  cidrs: Word[];
}

export interface LinkStatement extends StatementBase {
  kind: 'link';
  iface: Name | null;
  mtu: Word | null;
  state: Word | null;
}

export interface MtuStatement extends StatementBase {
  kind: 'mtu';
  value: Word | null;
}

/** `up` or `down` inside an interface's block. */
export interface StateStatement extends StatementBase {
  kind: 'state';
  value: Word;
}

export interface LoopbackStatement extends StatementBase {
  kind: 'loopback';
  state: Word | null;
}

export interface ForwardingStatement extends StatementBase {
  kind: 'forwarding';
  value: Word | null;
}

export interface ForwardPolicyStatement extends StatementBase {
  kind: 'forward-policy';
  value: Word | null;
}

export interface RouteStatement extends StatementBase {
  kind: 'route';
  to: Word | null;
  via: Word | null;
  dev: Name | null;
}

export type MatcherKind = 'src' | 'dst' | 'in' | 'out' | 'proto';

export interface Matcher {
  span: Span;
  keyword: Span;
  kind: MatcherKind;
  negated: boolean;
  /** An address for src/dst, an interface name for in/out, a protocol for proto. */
  value: Name | null;
  /** `tcp 8088`: the destination port written after a protocol. */
  port: Word | null;
}

export type { NatAction } from '../model/nat-targets';

/** Where translated traffic goes: an address (`172.16.0.102:80`) or a namespace (`netns2:80`). */
export interface NatTo {
  span: Span;
  /** The whole value as written (quotes resolved). */
  text: string;
  /** Set when the value names a namespace instead of an address. */
  namespace: Name | null;
  port: Word | null;
}

export interface NatRuleNode extends StatementBase {
  kind: 'nat-rule';
  action: Word | null;
  /** The chain a `jump` goes to. */
  chain: Name | null;
  matchers: Matcher[];
  to: NatTo | null;
}

/** `nat RULE` in a place. */
export interface NatStatement extends StatementBase {
  kind: 'nat';
  rule: NatRuleNode;
}

/** `nat chain NAME { RULE… }`: a user chain (or a built-in chain written out as a block). */
export interface NatChainStatement extends StatementBase {
  kind: 'nat-chain';
  name: Name | null;
  body: Block | null;
}

/**
 * One end of an `expect`: a namespace (`ns1`, `host`, `MACHINE/NS`) or an address, with the port written
 * after it (`blue:80`, `10.0.1.48:8088`). Exactly one of `namespace` and `address` is set when it was read.
 */
export interface ExpectEnd {
  span: Span;
  /** The machine that qualifies the namespace (`a/ns1`); null when not written. */
  machine: Name | null;
  namespace: Name | null;
  address: Word | null;
  port: Word | null;
}

/** `expect FROM reaches TARGET [icmp | tcp PORT | udp PORT] [lands on NS[:PORT]]`, or `… does not reach …`. */
export interface ExpectStatement extends StatementBase {
  kind: 'expect';
  from: ExpectEnd | null;
  /** `does not reach` rather than `reaches`. */
  negated: boolean;
  /** The span of `reaches` or `does not reach`; null when missing. */
  verb: Span | null;
  to: ExpectEnd | null;
  /** `icmp`, `tcp` or `udp` as written; null when not written. */
  protocol: Word | null;
  /** The port written after the protocol (`tcp 80`). */
  port: Word | null;
  /** The span of `lands on`; null when not written. */
  lands: Span | null;
  landsOn: ExpectEnd | null;
}

/** A line that could not be read as any statement; kept so that formatting and folding still see it. */
export interface ErrorStatement extends StatementBase {
  kind: 'error';
  body: Block | null;
}

export type Statement =
  | LabStatement
  | MachineStatement
  | PlaceStatement
  | VethStatement
  | InterfaceStatement
  | AddressStatement
  | LinkStatement
  | MtuStatement
  | StateStatement
  | LoopbackStatement
  | ForwardingStatement
  | ForwardPolicyStatement
  | RouteStatement
  | NatStatement
  | NatChainStatement
  | NatRuleNode
  | ExpectStatement
  | ImpairStatement
  | ErrorStatement;

export interface SyntaxProblem extends Span {
  code: string;
  message: string;
  fixes?: TextFix[];
}

/** A replacement of a span of the source, the unit of every quick fix. */
export interface TextEdit {
  span: Span;
  newText: string;
}

export interface TextFix {
  title: string;
  edits: TextEdit[];
}

export interface VnetDocumentSyntax {
  kind: 'document';
  span: Span;
  statements: Statement[];
  comments: Comment[];
  problems: SyntaxProblem[];
}

export function isInterfaceStatement(statement: Statement): statement is InterfaceStatement {
  return isInterfaceKeyword(statement.kind);
}

/** The nested bodies of a statement, for walks that do not care which kind holds them. */
export function bodyOf(statement: Statement): Block | null {
  if (isInterfaceStatement(statement)) return statement.body;
  switch (statement.kind) {
    case 'machine': case 'root-namespace': case 'namespace': case 'nat-chain': case 'error': case 'veth':
      return statement.body;
    default:
      return null;
  }
}
