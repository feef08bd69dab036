// Binding of `expect` statements: each end resolves to a namespace of the file (on its machine) or is an
// address; ports, protocols and `lands on` are checked; a statement whose every part is usable becomes an
// Expectation (src/model/expectation.ts), the question the trace engine and `vnet test` answer.

import type { ExpectProtocol } from '../model/expectation';
import { canonicalIp, parseIp } from '../model/cidr';
import { printable } from '../model/names';
import { validSinglePort } from '../model/ports';
import { ROOT_NAMESPACE } from '../model/topology';
import type { Severity } from './diagnostics';
import { looksLikeAddress } from './fast-cidr';
import type { ExpectEndModel, ExpectModel, MachineModel, PlaceModel, VnetSymbol } from './model';
import { formatName } from './quote';
import type { LineIndex, Span } from './span';
import { closest } from './suggest';
import type { ExpectEnd, ExpectStatement, Name, Statement, TextFix } from './syntax';

/** What binding an expectation needs of the binder. */
export interface ExpectBinder {
  report(span: Span, severity: Severity, code: string, message: string, fixes?: TextFix[]): void;
  reference(symbol: VnetSymbol, at: Span): void;
}

type Role = 'from' | 'to' | 'lands';

const ROLE_WORDS: Record<Role, string> = { from: 'where the packet starts', to: 'the target', lands: 'where it must land' };

function changeTo(span: Span, guess: string | null): TextFix[] | undefined {
  return guess ? [{ title: `Change to \`${guess}\``, edits: [{ span, newText: guess }] }] : undefined;
}

class ExpectationBinder {
  private ok = true;

  constructor(
    private readonly binder: ExpectBinder, private readonly machines: MachineModel[], private readonly multiMachine: boolean,
    private readonly lines: LineIndex, private readonly text: string,
  ) {}

  private error(span: Span, code: string, message: string, fixes?: TextFix[]): void {
    this.ok = false;
    this.binder.report(span, 'error', code, message, fixes);
  }

  bind(node: ExpectStatement): ExpectModel {
    this.ok = node.from !== null && node.to !== null && node.verb !== null && (node.lands === null || node.landsOn !== null);
    const model: ExpectModel = {
      node,
      from: node.from ? this.end(node.from, 'from') : null,
      to: node.to ? this.end(node.to, 'to') : null,
      landsOn: node.landsOn ? this.end(node.landsOn, 'lands') : null,
      expectation: null,
    };
    if (node.from?.port) {
      this.error(node.from.port.span, 'VN-EXPECT-PORT', "A source has no port here (the sender chooses it): write the port on the target, e.g. `expect red reaches blue:80`.");
    }
    const question = this.protocol(node);
    this.landsOn(node, question?.protocol ?? null);
    if (this.ok && question && model.from && model.to) {
      model.expectation = {
        from: this.spelling(model.from), to: this.spelling(model.to), protocol: question.protocol, port: question.port, reaches: !node.negated,
        landsOn: model.landsOn ? { namespace: this.spelling(model.landsOn), port: this.portOf(model.landsOn.node) } : null,
        text: this.text.slice(node.span.start, node.span.end).replace(/\s+/g, ' ').trim(),
        line: this.lines.lineOf(node.span.start),
      };
    }
    return model;
  }

  /** How the trace engine names an end: `ns`, `MACHINE/ns` in a file of several machines, or the address. */
  private spelling(end: ExpectEndModel): string {
    if (end.address !== null) return end.address;
    const place = end.place!;
    return this.multiMachine ? `${place.machine.name}/${place.name}` : place.name;
  }

  private portOf(end: ExpectEnd): number | null {
    return end.port && validSinglePort(end.port.text) ? Number(end.port.text) : null;
  }

  private checkPort(port: { span: Span; text: string } | null): boolean {
    if (!port) return true;
    if (validSinglePort(port.text)) return true;
    this.error(port.span, 'VN-EXPECT-PORT', `Port "${printable(port.text)}" is not a port: write one number from 1 to 65535.`);
    return false;
  }

  /** The protocol and port the statement asks about: `tcp 80`, `blue:80` (tcp), `blue:53 udp`, or icmp. */
  private protocol(node: ExpectStatement): { protocol: ExpectProtocol; port: number | null } | null {
    const targetPort = node.to?.port ?? null;
    const written = node.protocol?.text as ExpectProtocol | undefined;
    if (!this.checkPort(targetPort) || !this.checkPort(node.port)) return null;
    if (written === 'icmp') {
      if (targetPort) { this.error(targetPort.span, 'VN-EXPECT-PORT', 'icmp has no port: remove the port, or ask about `tcp PORT` or `udp PORT`.'); return null; }
      return { protocol: 'icmp', port: null };
    }
    if (targetPort && node.port && targetPort.text !== node.port.text) {
      this.error(node.port.span, 'VN-EXPECT-PORT', `The target says port ${targetPort.text} and the protocol port ${node.port.text}: write the port once.`);
      return null;
    }
    const port = node.port ?? targetPort;
    if (written && !port) {
      this.error(node.protocol!.span, 'VN-EXPECT-PORT', `${written} needs a port: write \`${written} 80\`, or the target as \`NAME:80\`.`);
      return null;
    }
    if (!written) return port ? { protocol: 'tcp', port: Number(port.text) } : { protocol: 'icmp', port: null };
    return { protocol: written, port: Number(port!.text) };
  }

  private landsOn(node: ExpectStatement, protocol: ExpectProtocol | null): void {
    if (!node.lands) return;
    if (node.negated) {
      this.error(node.lands, 'VN-EXPECT-LANDS', 'A packet that must not reach its target lands nowhere: remove `lands on …`, or write `reaches`.');
    } else if (protocol === 'icmp') {
      this.error(node.lands, 'VN-EXPECT-LANDS', '`lands on` says where a port is translated to, so it needs `tcp PORT` or `udp PORT` (or a target written as `NAME:PORT`).');
    }
    this.checkPort(node.landsOn?.port ?? null);
  }

  private end(node: ExpectEnd, role: Role): ExpectEndModel {
    const result: ExpectEndModel = { node, place: null, address: null };
    if (node.address) {
      if (role === 'lands') {
        this.error(node.address.span, 'VN-EXPECT-LANDS', '`lands on` names a namespace of the file (`lands on netns2:80`), not an address.');
      } else if (parseIp(node.address.text) === null) {
        this.error(node.address.span, 'VN-EXPECT-ADDRESS', `"${printable(node.address.text)}" is not an address. Write an IPv4 address, or an IPv6 one (in [ ] with a port).`);
      } else {
        result.address = canonicalIp(node.address.text);
      }
      return result;
    }
    if (!node.namespace) { this.ok = false; return result; }
    result.place = this.place(node, node.namespace, role);
    if (!result.place) this.ok = false;
    return result;
  }

  private machineNamed(name: Name): MachineModel | null {
    if (!this.multiMachine) {
      this.error(name.span, 'VN-EXPECT-UNKNOWN', `This file declares no machines, so "${printable(name.text)}/" names nothing: write the namespace alone.`);
      return null;
    }
    const machine = this.machines.find((m) => m.name === name.text);
    if (machine) {
      if (machine.symbol) this.binder.reference(machine.symbol, name.span);
      return machine;
    }
    const guess = closest(name.text, this.machines.map((m) => m.name));
    this.error(name.span, 'VN-EXPECT-UNKNOWN', `There is no machine "${printable(name.text)}"${guess ? ` (did you mean ${guess}?)` : ''}. Write MACHINE/NAMESPACE with a machine of this file.`,
      changeTo(name.span, guess && formatName(guess)));
    return null;
  }

  private lookup(machine: MachineModel, name: Name): PlaceModel | undefined {
    if (!name.quoted && name.text === ROOT_NAMESPACE) return machine.root;
    return name.text === ROOT_NAMESPACE ? undefined : machine.places.get(name.text);
  }

  private place(node: ExpectEnd, name: Name, role: Role): PlaceModel | null {
    const scoped = node.machine ? this.machineNamed(node.machine) : null;
    if (node.machine && !scoped) return null;
    const machines = scoped ? [scoped] : this.machines;
    const found = machines.map((m) => this.lookup(m, name)).filter((p): p is PlaceModel => p !== undefined);
    if (found.length === 1) {
      this.binder.reference(found[0].symbol, name.span);
      return found[0];
    }
    if (found.length > 1) {
      const choices = found.map((p) => `\`${formatName(p.machine.name)}/${formatName(name.text)}\``).join(' or ');
      this.error(name.span, 'VN-EXPECT-AMBIGUOUS', `"${printable(name.text)}" is on machines ${found.map((p) => p.machine.name).join(' and ')}. Say which: ${choices}.`);
      return null;
    }
    if (!name.quoted && looksLikeAddress(name.text) && !node.machine) {
      this.error(name.span, 'VN-EXPECT-ADDRESS', `"${printable(name.text)}" is neither an address nor a namespace of this file. Write an address like 10.0.1.26, or a namespace.`);
      return null;
    }
    const names = machines.flatMap((m) => [...m.places.keys()]);
    const guess = closest(name.text, names);
    this.error(name.span, 'VN-EXPECT-UNKNOWN',
      `There is no namespace "${printable(name.text)}"${scoped ? ` on machine ${scoped.name}` : ''}${guess ? ` (did you mean ${guess}?)` : ''}. As ${ROLE_WORDS[role]}, write \`host\`, a namespace of this file${role === 'lands' ? '' : ', or an address'}.`,
      changeTo(name.span, guess && formatName(guess)));
    return null;
  }
}

/** The file's `expect` statements (at its top level), bound in file order. */
export function bindExpectations(
  binder: ExpectBinder, statements: Statement[], machines: MachineModel[], multiMachine: boolean, lines: LineIndex, text: string,
): ExpectModel[] {
  const reader = new ExpectationBinder(binder, machines, multiMachine, lines, text);
  const out: ExpectModel[] = [];
  for (const statement of statements) if (statement.kind === 'expect') out.push(reader.bind(statement));
  return out;
}
