// Binding: resolves every name of the tree to what it declares or refers to, per machine and namespace,
// and reports names that are unknown, duplicate, reserved or refused by the kernel. Pure and total: a
// broken file still binds as far as it can, so that navigation works while the user is typing.

import { DEFAULT_MACHINE, ROOT_NAMESPACE } from '../model/topology';
import { bindExpectations } from './bind-expect';
import { fastParseCidr, fastParseIp } from './fast-cidr';
import { INTERFACE_KINDS } from '../model/interface-kinds';
import { INTERFACE_KEYWORDS, declaredKind, interfaceTitle } from './interface-statements';
import { isInterfaceStatement } from './syntax';
import { checkChainName, checkInterfaceName, checkLabName, checkNamespaceName, printable } from '../model/names';
import type { Problem, Severity } from './diagnostics';
import {
  type ChainModel, type IfaceModel, type MachineModel, type NatRuleModel, type Occurrence, type PlaceModel,
  type VnetModel, type VnetSymbol,
} from './model';
import { formatName } from './quote';
import { applyImpairment, checkImpairmentNeeds, isImpairStatement, vethImpairmentEnds } from './impairments';
import { isBuiltinChain } from '../model/iptables';
import { defaultNatChain } from '../model/nat-targets';
import type { LineIndex, Span } from './span';
import { closest } from './suggest';
import type {
  Block, Endpoint, ImpairSetting, InterfaceStatement, LabStatement, MachineStatement, Name, NatAction, NatRuleNode, PlaceStatement, Statement,
  TextFix, VethStatement, VnetDocumentSyntax, Word,
} from './syntax';

const SSH_TARGET = /^[^\s-][^\s]*$/;
/** Names that certainly pass checkInterfaceName, tested with one regex (most names). */
const SIMPLE_IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;

/** Where a place first set forwarding and its FORWARD policy, to point a second setting at it. */
interface PlaceSettingsSeen {
  forwarding: Span | null;
  policy: Span | null;
}

class Binder {
  readonly problems: Problem[] = [];
  readonly symbols: VnetSymbol[] = [];
  readonly occurrences: Occurrence[] = [];
  private bridgeIndex = new Map<string, IfaceModel[]>();
  /** Impairment settings whose value was reported already (a veth's block applies to both ends). */
  private readonly refusedImpairments = new Set<ImpairSetting>();

  constructor(private readonly lines: LineIndex) {}

  report(span: Span, severity: Severity, code: string, message: string, fixes?: TextFix[]): void {
    this.problems.push({ span, severity, code, message, ...(fixes && fixes.length ? { fixes } : {}) });
  }

  symbol(
    kind: VnetSymbol['kind'], name: string, definition: Span | null,
    machine: MachineModel | null = null, place: PlaceModel | null = null, renamable = definition !== null,
  ): VnetSymbol {
    // Every field written out (no spread): this runs for each name of a 10k-line file on every keystroke.
    const symbol: VnetSymbol = { id: this.symbols.length, kind, name, machine, place, iface: null, chain: null, definition, references: [], renamable };
    this.symbols.push(symbol);
    if (definition) this.occurrences.push({ span: definition, symbol, definition: true });
    return symbol;
  }


  reference(symbol: VnetSymbol, at: Span): void {
    symbol.references.push(at);
    this.occurrences.push({ span: at, symbol, definition: false });
  }

  /** The indentation of the line a span starts on. */
  indentAt(offset: number): string {
    const line = this.lines.lineOf(offset);
    const text = this.lines.lineText(line);
    return /^[ \t]*/.exec(text)![0];
  }

  lineOf(span: Span): number {
    return this.lines.lineOf(span.start) + 1;
  }

  /** A fix that inserts a whole line before the statement that starts at `before`. */
  insertLineBefore(before: number, line: string): TextFix['edits'][number] {
    const lineStart = this.lines.lineStarts[this.lines.lineOf(before)];
    return { span: { start: lineStart, end: lineStart }, newText: `${this.indentAt(before)}${line}\n` };
  }

  checkName(name: Name, problem: { code: string; message: string } | null): boolean {
    if (!problem) return true;
    this.report(name.span, 'error', problem.code, problem.message);
    return false;
  }

  bind(syntax: VnetDocumentSyntax): Omit<VnetModel, 'text' | 'lines' | 'syntax'> {
    const labs = syntax.statements.filter((s): s is LabStatement => s.kind === 'lab');
    const machineStatements = syntax.statements.filter((s): s is MachineStatement => s.kind === 'machine');
    const loose = syntax.statements.filter((s) => s.kind === 'root-namespace' || s.kind === 'namespace' || s.kind === 'veth');
    const multiMachine = machineStatements.length > 0;
    const lab = labs[0] ?? null;
    this.bindLab(labs, multiMachine, syntax);
    const machines: MachineModel[] = [];
    if (multiMachine) {
      for (const statement of loose) {
        this.report(statement.keyword, 'error', 'VN-MACHINE-MIXED',
          `This file declares machines, so \`${statement.kind}\` must be inside one of them: move it into a \`machine NAME { … }\` block.`);
      }
      const seen = new Map<string, MachineStatement>();
      for (const statement of machineStatements) {
        const name = statement.name?.text ?? '';
        let symbol: VnetSymbol | null = null;
        if (statement.name) {
          const problem = checkLabName(name);
          this.checkName(statement.name, problem && { code: problem.code, message: problem.message.replace('Lab name', 'Machine name') });
          const earlier = seen.get(name);
          if (earlier) {
            this.report(statement.name.span, 'error', 'VN-NAME-DUPLICATE',
              `Machine "${printable(name)}" is already declared on line ${this.lineOf(earlier.span)}. Give each machine its own name.`);
          } else {
            seen.set(name, statement);
          }
          symbol = this.symbol('machine', name, statement.name.span);
        }
        if (statement.ssh) this.checkSsh(statement.ssh);
        const machine = this.bindMachine(name, statement, statement.ssh, statement.body?.statements ?? [], statement.body);
        if (symbol) { symbol.machine = machine; machine.symbol = symbol; }
        machines.push(machine);
      }
    } else {
      machines.push(this.bindMachine(DEFAULT_MACHINE, null, lab?.ssh ?? null, loose, null));
    }
    const expectations = bindExpectations(this, syntax.statements, machines, multiMachine, this.lines, this.lines.text);
    this.occurrences.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    return {
      lab,
      labName: lab?.name && !checkLabName(lab.name.text) ? lab.name.text : null,
      multiMachine,
      machines,
      symbols: this.symbols,
      occurrences: this.occurrences,
      problems: this.problems,
      expectations,
    };
  }

  private bindLab(labs: LabStatement[], multiMachine: boolean, syntax: VnetDocumentSyntax): void {
    if (labs.length === 0) {
      const first = syntax.statements[0];
      const at = first ? { start: first.span.start, end: first.keyword.end } : { start: 0, end: 0 };
      const lineStart = first ? this.lines.lineStarts[this.lines.lineOf(first.span.start)] : 0;
      this.report(at, 'error', 'VN-LAB-MISSING',
        'Name the lab with a first line `lab NAME`: the name marks what apply creates, so that destroy removes only that.', [
          { title: 'Add `lab my-lab`', edits: [{ span: { start: lineStart, end: lineStart }, newText: 'lab my-lab\n\n' }] },
        ]);
      return;
    }
    const [lab, ...extra] = labs;
    if (lab.name) {
      this.checkName(lab.name, checkLabName(lab.name.text));
      this.symbol('lab', lab.name.text, lab.name.span);
    }
    if (lab.ssh) {
      if (multiMachine) {
        this.report(lab.ssh.span, 'error', 'VN-LAB-SSH',
          'This lab has machine blocks: write the SSH target on each machine (`machine a ssh USER@HOST {`), not on the lab line.');
      } else {
        this.checkSsh(lab.ssh);
      }
    }
    for (const other of extra) {
      this.report(other.span, 'error', 'VN-LAB-DUPLICATE', `The lab is already named on line ${this.lineOf(lab.span)}. A file holds one lab: remove this line.`, [
        { title: 'Remove this lab line', edits: [{ span: other.span, newText: '' }] },
      ]);
    }
  }

  private checkSsh(target: Name): void {
    if (!SSH_TARGET.test(target.text) || /[\u0000-\u001f\u007f]/.test(target.text)) {
      this.report(target.span, 'error', 'VN-SSH-TARGET',
        `"${printable(target.text)}" is not an SSH target: write USER@HOST, HOST or an alias from ~/.ssh/config (no blanks, not starting with "-").`);
    }
  }

  private newPlace(machine: MachineModel, name: string, root: boolean, definition: Span | null): PlaceModel {
    const symbol = this.symbol('namespace', name, definition, machine, null, !root);
    const place: PlaceModel = {
      name, root, machine, symbol, statements: [], interfaces: new Map(), order: [], forwarding: false, forwardingNode: null,
      forwardPolicy: null, loopback: null, routes: [], nat: [], chains: new Map(),
    };
    symbol.place = place;
    return place;
  }

  private newIface(place: PlaceModel, name: string, kind: IfaceModel['kind'], nameNode: Name | null): IfaceModel {
    const symbol = this.symbol('interface', name, nameNode?.span ?? null, place.machine, place, kind !== 'loopback' && nameNode !== null);
    const iface: IfaceModel = {
      name, kind, place, symbol, nameNode, master: null, peer: null, veth: null, declaration: null, ports: [], addresses: [],
      mtu: null, mtuNode: null, down: false, stateNode: null, links: [], impairment: null, impairmentNodes: [],
    };
    symbol.iface = iface;
    place.interfaces.set(name, iface);
    place.order.push(iface);
    return iface;
  }

  private bindMachine(name: string, statement: MachineStatement | null, ssh: Name | null, statements: Statement[], container: Block | null): MachineModel {
    const machine = { name, statement, ssh, symbol: null, places: new Map(), veths: [], container } as unknown as MachineModel;
    const firstHost = statements.find((s): s is PlaceStatement => s.kind === 'root-namespace');
    const root = this.newPlace(machine, ROOT_NAMESPACE, true, null);
    machine.root = root;
    machine.places.set(ROOT_NAMESPACE, root);
    const hostBlocks: PlaceStatement[] = [];
    for (const s of statements) {
      if (s.kind === 'root-namespace') {
        hostBlocks.push(s);
        root.statements.push(s);
        if (s !== firstHost) {
          this.report(s.keyword, 'error', 'VN-NAME-DUPLICATE',
            `The host block is already written on line ${this.lineOf(firstHost!.span)}. Merge the two host { } blocks into one.`);
        }
        this.reference(root.symbol, s.keyword);
      } else if (s.kind === 'namespace' && s.name) {
        this.declareNamespace(machine, s);
      }
    }
    for (const place of machine.places.values()) this.declareInPlace(place);
    // Bridges by name across the machine's namespaces, so that each veth end resolves in O(1).
    this.bridgeIndex = new Map();
    for (const place of machine.places.values()) {
      for (const iface of place.order) {
        if (iface.kind !== 'bridge') continue;
        const list = this.bridgeIndex.get(iface.name);
        if (list) list.push(iface); else this.bridgeIndex.set(iface.name, [iface]);
      }
    }
    for (const s of statements) if (s.kind === 'veth') this.bindVeth(machine, s);
    for (const place of machine.places.values()) this.bindPlace(place);
    const warned = new Set<ImpairSetting>();
    for (const place of machine.places.values()) for (const iface of place.order) checkImpairmentNeeds(iface, this.report.bind(this), warned);
    return machine;
  }

  private declareNamespace(machine: MachineModel, s: PlaceStatement): void {
    const name = s.name!;
    this.checkName(name, checkNamespaceName(name.text));
    if (name.text === ROOT_NAMESPACE) {
      this.report(name.span, 'error', 'VN-NAME-RESERVED',
        'A namespace cannot be named "host": VNet calls the root namespace host. Choose another name.');
      machine.root.statements.push(s);
      return;
    }
    const existing = machine.places.get(name.text);
    if (existing) {
      const earlier = existing.statements[0];
      this.report(name.span, 'error', 'VN-NAME-DUPLICATE',
        `Namespace "${printable(name.text)}" is already declared on line ${this.lineOf(earlier.span)}. Merge the two blocks into one.`);
      existing.statements.push(s);
      this.reference(existing.symbol, name.span);
      return;
    }
    const place = this.newPlace(machine, name.text, false, name.span);
    place.statements.push(s);
    machine.places.set(name.text, place);
  }

  private bodyStatements(place: PlaceModel): Statement[] {
    if (place.statements.length === 1) return place.statements[0].body?.statements ?? [];
    const out: Statement[] = [];
    for (const s of place.statements) if (s.body) out.push(...s.body.statements);
    return out;
  }

  /** Declared interfaces (bridges, dummies), loopback and chains: what a place declares, before veth ends and uses refer to them. */
  private declareInPlace(place: PlaceModel): void {
    let loopbackNode: Statement | null = null;
    for (const s of this.bodyStatements(place)) {
      if (isInterfaceStatement(s)) {
        if (s.name) this.declareInterface(place, s, s.name);
      } else if (s.kind === 'loopback') {
        if (loopbackNode) {
          this.report(s.keyword, 'error', 'VN-SETTING-DUPLICATE', `loopback is already set on line ${this.lineOf(loopbackNode.span)} of ${place.name}. Keep one.`);
          continue;
        }
        loopbackNode = s;
        if (!s.state) continue;
        const lo = place.interfaces.get('lo') ?? this.newIface(place, 'lo', 'loopback', null);
        lo.down = s.state.text === 'down';
        lo.stateNode = s.state;
        place.loopback = lo;
      } else if (s.kind === 'nat-chain' && s.name) {
        this.declareChain(place, s.name, s);
      }
    }
  }

  private declareInterface(place: PlaceModel, s: InterfaceStatement, name: Name): void {
    const kind = declaredKind(s.kind);
    const label = INTERFACE_KINDS[kind].label;
    this.checkName(name, checkInterfaceName(name.text)); // still declared when refused, so that uses resolve
    const existing = place.interfaces.get(name.text);
    if (existing) {
      this.report(name.span, 'error', 'VN-NAME-DUPLICATE',
        `There is already a ${INTERFACE_KINDS[existing.kind].label} "${printable(name.text)}" in ${place.name} (line ${this.lineOf(existing.nameNode!.span)}). Give this ${label} another name.`);
      this.reference(existing.symbol, name.span);
      return;
    }
    if (name.text === 'lo') {
      this.report(name.span, 'error', 'VN-NAME-RESERVED', `"lo" is the loopback interface of every namespace. Choose another ${label} name.`);
      return;
    }
    this.newIface(place, name.text, kind, name).declaration = s;
  }

  private declareChain(place: PlaceModel, name: Name, s: Statement & { kind: 'nat-chain' }): void {
    const existing = place.chains.get(name.text);
    if (existing) {
      if (!existing.builtin) {
        this.report(name.span, 'error', 'VN-NAME-DUPLICATE',
          `Chain "${printable(name.text)}" is already declared on line ${this.lineOf(existing.statements[0].span)}. Put all its rules in one block.`);
      }
      existing.statements.push(s);
      if (!existing.builtin) this.reference(existing.symbol, name.span);
      return;
    }
    const builtin = isBuiltinChain('nat', name.text);
    if (!builtin) this.checkName(name, checkChainName(name.text));
    const symbol = this.symbol('chain', name.text, builtin ? null : name.span, place.machine, place);
    const chain: ChainModel = { name: name.text, place, symbol, statements: [s], builtin };
    symbol.chain = chain;
    place.chains.set(name.text, chain);
  }

  private placeNames(machine: MachineModel): string[] {
    const names = [...machine.places.keys()];
    for (const place of machine.places.values()) for (const iface of place.order) if (iface.kind === 'bridge') names.push(iface.name);
    return names;
  }

  private unknownPlace(machine: MachineModel, name: Name, statement: Statement): void {
    const guess = closest(name.text, this.placeNames(machine));
    const fixes: TextFix[] = [];
    if (guess) fixes.push({ title: `Change to \`${guess}\``, edits: [{ span: name.span, newText: formatName(guess) }] });
    if (checkNamespaceName(name.text) === null && name.text !== ROOT_NAMESPACE) {
      fixes.push({ title: `Declare namespace ${name.text}`, edits: [this.insertLineBefore(statement.span.start, `namespace ${formatName(name.text)}`)] });
    }
    this.report(name.span, 'error', 'VN-NAME-UNKNOWN',
      `Nothing is called "${printable(name.text)}" here${guess ? ` (did you mean ${guess}?)` : ''}. A veth end's place is \`host\`, a namespace declared with \`namespace ${formatName(name.text)}\`, or a bridge.`,
      fixes);
  }

  /** Where an endpoint's interface lives: the namespace, and the bridge it is a port of. */
  private resolvePlace(machine: MachineModel, end: Endpoint, statement: VethStatement): { place: PlaceModel; bridge: IfaceModel | null } | null {
    if (!end.place) return null;
    const name = end.place;
    if (end.scope) {
      const scope = end.scope;
      const scopePlace = machine.places.get(scope.text);
      if (!scopePlace) { this.unknownPlace(machine, scope, statement); return null; }
      this.reference(scopePlace.symbol, scope.span);
      const bridge = scopePlace.interfaces.get(name.text);
      if (bridge && bridge.kind !== 'bridge') {
        this.reference(bridge.symbol, name.span);
        this.notABridge(bridge, name);
        return null;
      }
      if (!bridge) {
        const bridges = scopePlace.order.filter((i) => i.kind === 'bridge').map((i) => i.name);
        const guess = closest(name.text, bridges);
        this.report(name.span, 'error', 'VN-NAME-UNKNOWN',
          `There is no bridge "${printable(name.text)}" in ${scopePlace.name}${guess ? ` (did you mean ${guess}?)` : ''}. Declare it with \`bridge ${formatName(name.text)}\` inside ${scopePlace.root ? 'host { }' : `namespace ${formatName(scopePlace.name)} { }`}.`,
          guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: name.span, newText: formatName(guess) }] }] : undefined);
        return null;
      }
      this.reference(bridge.symbol, name.span);
      return { place: scopePlace, bridge };
    }
    if (!name.quoted && name.text === ROOT_NAMESPACE) {
      this.reference(machine.root.symbol, name.span);
      return { place: machine.root, bridge: null };
    }
    const namespace = name.text === ROOT_NAMESPACE ? undefined : machine.places.get(name.text);
    const bridges = this.bridgeIndex.get(name.text) ?? [];
    if (namespace && bridges.length > 0) {
      // The namespace wins, so that every network has a file (export writes such ends plainly); the
      // bridge is always reachable by its full name.
      this.report(name.span, 'warning', 'VN-NAME-SHADOWED',
        `"${printable(name.text)}" is both a namespace and a bridge (in ${bridges[0].place.name}); here it means the namespace. For a port of the bridge, write \`${formatName(bridges[0].place.name)}/${formatName(name.text)}:IFNAME\`, or rename one of them.`);
    }
    if (namespace) {
      this.reference(namespace.symbol, name.span);
      return { place: namespace, bridge: null };
    }
    if (bridges.length > 1) {
      this.report(name.span, 'error', 'VN-NAME-AMBIGUOUS',
        `There is a bridge "${printable(name.text)}" in ${bridges.map((b) => b.place.name).join(' and ')}. Say which: ${bridges.map((b) => `\`${formatName(b.place.name)}/${formatName(name.text)}:…\``).join(' or ')}.`);
    }
    if (bridges.length > 0) {
      this.reference(bridges[0].symbol, name.span);
      return { place: bridges[0].place, bridge: bridges[0] };
    }
    const declared = this.declaredNotBridge(machine, name.text);
    if (declared) {
      this.reference(declared.symbol, name.span);
      this.notABridge(declared, name);
      return null;
    }
    this.unknownPlace(machine, name, statement);
    return null;
  }

  /** An interface of the machine that a statement declares but that is not a bridge (a dummy), for a clear error. */
  private declaredNotBridge(machine: MachineModel, name: string): IfaceModel | undefined {
    for (const place of machine.places.values()) {
      const iface = place.interfaces.get(name);
      if (iface && iface.kind !== 'bridge' && iface.declaration) return iface;
    }
    return undefined;
  }

  private notABridge(iface: IfaceModel, name: Name): void {
    this.report(name.span, 'error', 'VN-NAME-UNKNOWN',
      `${interfaceTitle(iface.kind, printable(iface.name))} in ${iface.place.name} is not a bridge, so no veth end can be placed on it. Write \`host\`, a namespace or a bridge before the ":".`);
  }

  private bindVethEnd(machine: MachineModel, end: Endpoint | null, statement: VethStatement): IfaceModel | null {
    if (!end) return null;
    const where = this.resolvePlace(machine, end, statement);
    if (!where || !end.iface) return null;
    const name = end.iface;
    const { place, bridge } = where;
    if (!SIMPLE_IFNAME.test(name.text)) this.checkName(name, checkInterfaceName(name.text));
    if (name.text === 'lo') {
      this.report(name.span, 'error', 'VN-NAME-RESERVED', '"lo" is the loopback interface of every namespace. Choose another name for this veth end.');
      return null;
    }
    const existing = place.interfaces.get(name.text);
    if (existing) {
      this.reference(existing.symbol, name.span);
      if (existing.kind === 'veth') {
        const other = existing.veth!;
        const sameLine = other === statement;
        this.report(name.span, 'error', 'VN-LINK-REUSED', sameLine
          ? `Both ends of this pair are ${place.name}:${printable(name.text)}. Give each end its own name.`
          : `${place.name}:${printable(name.text)} is already an end of the veth pair on line ${this.lineOf(other.span)}. An interface belongs to one link: give this end another name.`);
      } else {
        this.report(name.span, 'error', 'VN-NAME-DUPLICATE',
          `${place.name} already has a ${INTERFACE_KINDS[existing.kind].label} called "${printable(name.text)}". Give this veth end another name.`);
      }
      return null;
    }
    const iface = this.newIface(place, name.text, 'veth', name);
    iface.veth = statement;
    if (bridge) {
      iface.master = bridge;
      bridge.ports.push(iface);
    }
    return iface;
  }

  private bindVeth(machine: MachineModel, statement: VethStatement): void {
    const left = this.bindVethEnd(machine, statement.left, statement);
    const right = this.bindVethEnd(machine, statement.right, statement);
    if (left && right) { left.peer = right; right.peer = left; }
    machine.veths.push({ statement, left, right });
    for (const line of statement.body?.statements ?? []) {
      if (!isImpairStatement(line)) continue;
      for (const end of vethImpairmentEnds(line, left, right)) this.impair(end, line);
    }
  }

  /** Resolves an interface name used inside a place; reports it when unknown and `required`. */
  private lookupIface(place: PlaceModel, name: Name, usage: string, severity: Severity | null): IfaceModel | null {
    const iface = place.interfaces.get(name.text);
    if (iface) {
      this.reference(iface.symbol, name.span);
      return iface;
    }
    if (severity === null) return null;
    if (name.text === 'lo') {
      this.report(name.span, severity, 'VN-NAME-UNKNOWN', `lo is managed only once ${place.name} says \`loopback up\`: add that line.`, [
        { title: 'Add `loopback up`', edits: [this.insertLineBefore(name.span.start, 'loopback up')] },
      ]);
      return null;
    }
    if (place.root && severity !== 'error') {
      this.report(name.span, severity, 'VN-NAME-EXTERNAL',
        `${printable(name.text)} is not created by this lab, so it must already exist on the host when the lab is applied.`);
      return null;
    }
    const guess = closest(name.text, place.interfaces.keys());
    const elsewhere = [...place.machine.places.values()].find((p) => p !== place && p.interfaces.has(name.text));
    const hint = elsewhere
      ? ` ${printable(name.text)} is in ${elsewhere.name}: ${usage} belongs in ${elsewhere.root ? 'the host { } block' : `namespace ${elsewhere.name} { }`}.`
      : guess ? ` Did you mean ${guess}?` : ` Interfaces are created by \`veth ${formatName(place.name)}:${formatName(name.text)} -- …\`${INTERFACE_KEYWORDS.map((k) => `, \`${k} ${formatName(name.text)}\``).join('')}.`;
    this.report(name.span, 'error', 'VN-NAME-UNKNOWN', `${place.name} has no interface "${printable(name.text)}".${hint}`,
      guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: name.span, newText: formatName(guess) }] }] : undefined);
    return null;
  }

  private addAddresses(iface: IfaceModel, cidrs: Word[], statement: Statement & { kind: 'address' }): void {
    for (const node of cidrs) iface.addresses.push({ node, cidr: fastParseCidr(node.text), iface, statement });
  }

  private setMtu(iface: IfaceModel, node: Word): void {
    const value = /^[0-9]{1,6}$/.test(node.text) ? Number(node.text) : NaN;
    if (Number.isNaN(value)) {
      this.report(node.span, 'error', 'VN-LINK-MTU', `MTU "${printable(node.text)}" is not a number. Write a value from 68 to 65535, e.g. 1500.`);
      return;
    }
    if (iface.mtuNode && iface.mtu !== value) {
      this.report(node.span, 'error', 'VN-LINK-CONFLICT',
        `The MTU of ${iface.name} is already ${iface.mtu} (line ${this.lineOf(iface.mtuNode.span)}). Keep one value.`);
      return;
    }
    iface.mtu = value;
    iface.mtuNode = node;
  }

  private setState(iface: IfaceModel, node: Word): void {
    const down = node.text === 'down';
    if (iface.stateNode && iface.down !== down) {
      this.report(node.span, 'error', 'VN-LINK-CONFLICT',
        `${iface.name} is already set ${iface.down ? 'down' : 'up'} on line ${this.lineOf(iface.stateNode.span)}. Keep one.`);
      return;
    }
    iface.down = down;
    iface.stateNode = node;
  }

  /** The block of a declaring statement: `address`, `mtu`, `up`/`down` of that interface. */
  private bindDeclarationBody(iface: IfaceModel, statement: InterfaceStatement): void {
    for (const s of statement.body?.statements ?? []) {
      if (s.kind === 'address') this.addAddresses(iface, s.cidrs, s);
      else if (s.kind === 'mtu' && s.value) this.setMtu(iface, s.value);
      else if (s.kind === 'state') this.setState(iface, s.value);
      else if (s.kind === 'impair') this.impair(iface, s);
    }
  }

  private impair(iface: IfaceModel, statement: Statement & { kind: 'impair' }): void {
    applyImpairment(iface, statement, this.report.bind(this), (span) => this.lineOf(span), this.refusedImpairments);
  }

  /** `impair IFNAME …` in a place: an interface the file does not create is left alone (a warning). */
  private bindImpairStatement(place: PlaceModel, s: Statement & { kind: 'impair' }): void {
    if (!s.iface) return;
    const iface = this.lookupIface(place, s.iface, 'this impairment', null);
    if (iface) { this.impair(iface, s); return; }
    this.report(s.iface.span, 'warning', 'VN-IMPAIR-EXTERNAL',
      `${place.name} has no interface "${printable(s.iface.text)}" that this lab creates, so apply leaves its qdisc alone and this line does nothing. Impair it by hand with "Impair Link…", or impair an interface the lab creates.`);
  }

  private bindPlace(place: PlaceModel): void {
    const settings: PlaceSettingsSeen = { forwarding: null, policy: null };
    for (const s of this.bodyStatements(place)) {
      if (isInterfaceStatement(s)) {
        const iface = s.name ? place.interfaces.get(s.name.text) : undefined;
        if (iface?.declaration === s) this.bindDeclarationBody(iface, s);
        continue;
      }
      switch (s.kind) {
        case 'address': case 'link': this.bindInterfaceSetting(place, s); break;
        case 'forwarding': case 'forward-policy': this.bindPlaceSetting(place, s, settings); break;
        case 'route': {
          const to = s.to === null ? null : s.to.text === 'default' ? 'default' : fastParseCidr(s.to.text);
          const dev = s.dev ? this.lookupIface(place, s.dev, 'this route', place.root ? 'info' : 'error') : null;
          place.routes.push({ node: s, place, to, via: s.via ? fastParseIp(s.via.text) : null, dev });
          break;
        }
        case 'nat':
          this.bindRule(place, s.rule, null);
          break;
        case 'impair':
          this.bindImpairStatement(place, s);
          break;
        case 'nat-chain': {
          const chain = s.name ? place.chains.get(s.name.text) ?? null : null;
          for (const r of s.body?.statements ?? []) if (r.kind === 'nat-rule') this.bindRule(place, r, chain);
          break;
        }
        default:
          break;
      }
    }
  }

  /** `address IFACE CIDR…` and `link IFACE …`: settings of an interface declared elsewhere in the place. */
  private bindInterfaceSetting(place: PlaceModel, s: Extract<Statement, { kind: 'address' | 'link' }>): void {
    if (!s.iface) return;
    const iface = this.lookupIface(place, s.iface, s.kind === 'address' ? 'this address' : 'this link statement', 'error');
    if (!iface) return;
    if (s.kind === 'address') { this.addAddresses(iface, s.cidrs, s); return; }
    iface.links.push(s);
    if (s.mtu) this.setMtu(iface, s.mtu);
    if (s.state) this.setState(iface, s.state);
  }

  /** `forwarding` and `forward-policy`: once each per place. */
  private bindPlaceSetting(place: PlaceModel, s: Extract<Statement, { kind: 'forwarding' | 'forward-policy' }>, seen: PlaceSettingsSeen): void {
    if (!s.value) return;
    const slot = s.kind === 'forwarding' ? 'forwarding' : 'policy';
    const earlier = seen[slot];
    if (earlier) {
      this.report(s.span, 'error', 'VN-SETTING-DUPLICATE', `${s.kind} is already set on line ${this.lineOf(earlier)} of ${place.name}. Keep one.`);
      return;
    }
    seen[slot] = s.span;
    if (s.kind === 'forwarding') {
      place.forwarding = s.value.text === 'on';
      place.forwardingNode = s.value;
    } else {
      place.forwardPolicy = s.value.text === 'drop' ? 'DROP' : 'ACCEPT';
    }
  }

  private bindRule(place: PlaceModel, node: NatRuleNode, chainModel: ChainModel | null): void {
    if (!node.action) return;
    const action = node.action.text as NatAction;
    const rule: NatRuleModel = {
      node, place, action, chain: chainModel?.name ?? defaultNatChain(action), chainModel, jump: null, toNamespace: null,
    };
    if (action === 'jump' && node.chain) {
      const target = place.chains.get(node.chain.text);
      if (target && !target.builtin) {
        this.reference(target.symbol, node.chain.span);
        rule.jump = target;
      } else if (isBuiltinChain('nat', node.chain.text)) {
        this.report(node.chain.span, 'error', 'VN-NAME-RESERVED',
          `iptables cannot jump to the built-in chain ${node.chain.text}. Jump to a user chain declared with \`nat chain NAME { … }\`.`);
      } else {
        const guess = closest(node.chain.text, [...place.chains.values()].filter((c) => !c.builtin).map((c) => c.name));
        const fixes: TextFix[] = [];
        if (guess) fixes.push({ title: `Change to \`${guess}\``, edits: [{ span: node.chain.span, newText: formatName(guess) }] });
        if (!checkChainName(node.chain.text)) {
          const anchor = chainModel ? chainModel.statements[0].span.start : node.span.start;
          fixes.push({ title: `Declare chain ${node.chain.text}`, edits: [this.insertLineBefore(anchor, `nat chain ${node.chain.text}`)] });
        }
        this.report(node.chain.span, 'error', 'VN-NAME-UNKNOWN',
          `There is no chain "${printable(node.chain.text)}" in ${place.name}${guess ? ` (did you mean ${guess}?)` : ''}. Declare it with \`nat chain ${formatName(node.chain.text)} { … }\`.`,
          fixes);
      }
    }
    for (const matcher of node.matchers) {
      if ((matcher.kind === 'in' || matcher.kind === 'out') && matcher.value) {
        // Interface matches may name interfaces the lab does not create (eth0) or prefixes (veth+).
        this.lookupIface(place, matcher.value, 'this rule', null);
      }
    }
    if (node.to?.namespace) {
      const name = node.to.namespace;
      const target = !name.quoted && name.text === ROOT_NAMESPACE ? place.machine.root : name.text === ROOT_NAMESPACE ? undefined : place.machine.places.get(name.text);
      if (target) {
        this.reference(target.symbol, name.span);
        rule.toNamespace = target;
      } else {
        const guess = closest(name.text, [...place.machine.places.keys()]);
        this.report(name.span, 'error', 'VN-NAME-UNKNOWN',
          `"${printable(name.text)}" is neither an address nor a namespace${guess ? ` (did you mean ${guess}?)` : ''}. Write \`to ADDRESS:PORT\` or \`to NAMESPACE:PORT\`.`,
          guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: name.span, newText: formatName(guess) }] }] : undefined);
      }
    }
    place.nat.push(rule);
  }
}

export function bind(text: string, lines: LineIndex, syntax: VnetDocumentSyntax): VnetModel {
  const binder = new Binder(lines);
  return { text, lines, syntax, ...binder.bind(syntax) };
}
