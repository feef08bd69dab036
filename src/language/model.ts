// The bound model of a .vnet file: what each name refers to, per machine and namespace. The checker,
// the lowering and every editor feature (hover, rename, completion…) read this instead of the raw tree.

import type { Cidr, IpAddress } from '../model/cidr';
import type { Expectation } from '../model/expectation';
import type { InterfaceKind } from '../model/topology';
import type { Impairment } from '../model/impairment';
import type { Problem } from './diagnostics';
import type { LineIndex, Span } from './span';
import type {
  AddressStatement, Block, ExpectEnd, ExpectStatement, ImpairSetting, InterfaceStatement, LabStatement, LinkStatement, MachineStatement, Name, NatAction, NatChainStatement,
  NatRuleNode, PlaceStatement, RouteStatement, VethStatement, VnetDocumentSyntax, Word,
} from './syntax';

/** What a name stands for; an `interface` symbol's `iface.kind` says which kind (bridge, dummy, veth end, lo). */
export type SymbolKind = 'lab' | 'machine' | 'namespace' | 'interface' | 'chain';

export interface VnetSymbol {
  id: number;
  kind: SymbolKind;
  name: string;
  machine: MachineModel | null;
  /** The namespace an interface or chain lives in; for a namespace, itself. */
  place: PlaceModel | null;
  iface: IfaceModel | null;
  chain: ChainModel | null;
  /** Span of the declaring name; null for the implicit root namespace. */
  definition: Span | null;
  references: Span[];
  /** Whether rename may change it (the root namespace `host` is fixed). */
  renamable: boolean;
}

export interface Occurrence {
  span: Span;
  symbol: VnetSymbol;
  definition: boolean;
}

export interface AddressModel {
  node: Word;
  /** Null when the text is not a CIDR. */
  cidr: Cidr | null;
  iface: IfaceModel;
  statement: AddressStatement | null;
}

export interface IfaceModel {
  name: string;
  /** `veth` for a veth end, `loopback` for lo, or a kind a statement declares (INTERFACE_KINDS[kind].statement). */
  kind: InterfaceKind;
  place: PlaceModel;
  symbol: VnetSymbol;
  nameNode: Name | null;
  /** The bridge this veth end is a port of. */
  master: IfaceModel | null;
  peer: IfaceModel | null;
  veth: VethStatement | null;
  /** The statement that declares it (`bridge br0 { … }`, `dummy d0`); null for veth ends and lo. */
  declaration: InterfaceStatement | null;
  ports: IfaceModel[];
  addresses: AddressModel[];
  mtu: number | null;
  mtuNode: Word | null;
  down: boolean;
  stateNode: Word | null;
  links: LinkStatement[];
  /** What the file says the interface does to the packets it sends; null when nothing. */
  impairment: Impairment | null;
  /** Where each setting of that impairment is written. */
  impairmentNodes: ImpairSetting[];
}

export interface RouteModel {
  node: RouteStatement;
  place: PlaceModel;
  /** 'default', a parsed destination, or null when it does not parse. */
  to: 'default' | Cidr | null;
  via: IpAddress | null;
  dev: IfaceModel | null;
}

export interface NatRuleModel {
  node: NatRuleNode;
  place: PlaceModel;
  action: NatAction;
  /** The chain the rule is appended to. */
  chain: string;
  chainModel: ChainModel | null;
  jump: ChainModel | null;
  toNamespace: PlaceModel | null;
}

export interface ChainModel {
  name: string;
  place: PlaceModel;
  symbol: VnetSymbol;
  statements: NatChainStatement[];
  builtin: boolean;
}

export interface PlaceModel {
  name: string;
  root: boolean;
  machine: MachineModel;
  symbol: VnetSymbol;
  statements: PlaceStatement[];
  interfaces: Map<string, IfaceModel>;
  /** Interfaces in the order the file declares them. */
  order: IfaceModel[];
  forwarding: boolean;
  forwardingNode: Word | null;
  forwardPolicy: 'ACCEPT' | 'DROP' | null;
  loopback: IfaceModel | null;
  routes: RouteModel[];
  nat: NatRuleModel[];
  chains: Map<string, ChainModel>;
}

export interface VethModel {
  statement: VethStatement;
  left: IfaceModel | null;
  right: IfaceModel | null;
}

export interface MachineModel {
  /** `host` for a file without machine blocks. */
  name: string;
  statement: MachineStatement | null;
  ssh: Name | null;
  symbol: VnetSymbol | null;
  places: Map<string, PlaceModel>;
  root: PlaceModel;
  veths: VethModel[];
  /** The block that holds this machine's statements; null for the top level of the file. */
  container: Block | null;
}

/** One end of an `expect`, resolved: the namespace it names, or the address it gives. */
export interface ExpectEndModel {
  node: ExpectEnd;
  place: PlaceModel | null;
  /** The address as written, when the end is an address. */
  address: string | null;
}

export interface ExpectModel {
  node: ExpectStatement;
  from: ExpectEndModel | null;
  to: ExpectEndModel | null;
  landsOn: ExpectEndModel | null;
  /** The question and claim, when every part of the statement is usable; null otherwise (its problems say why). */
  expectation: Expectation | null;
}

export interface VnetModel {
  text: string;
  lines: LineIndex;
  syntax: VnetDocumentSyntax;
  lab: LabStatement | null;
  labName: string | null;
  /** Whether the file declares machine blocks (a lab over several hosts). */
  multiMachine: boolean;
  machines: MachineModel[];
  symbols: VnetSymbol[];
  /** Every name that refers to a symbol, sorted by position. */
  occurrences: Occurrence[];
  /** Problems found while binding names (unknown, duplicate, reserved…). */
  problems: Problem[];
  /** The file's `expect` statements in file order. */
  expectations: ExpectModel[];
}

/** The occurrence under an offset (a cursor touching either edge of a name counts). */
export function occurrenceAt(model: VnetModel, offset: number): Occurrence | null {
  const list = model.occurrences;
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const occurrence = list[mid];
    if (occurrence.span.end < offset) low = mid + 1;
    else if (occurrence.span.start > offset) high = mid - 1;
    else {
      // Prefer a name that strictly contains the cursor over one that only ends at it.
      const nextOne = list[mid + 1];
      if (occurrence.span.end === offset && nextOne && nextOne.span.start === offset) return nextOne;
      return occurrence;
    }
  }
  return null;
}
