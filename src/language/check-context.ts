// What every check receives: the bound model, per-machine network facts computed once, and a way to
// report a problem with its code's default severity.

import { CODES, type Problem, type Severity } from './diagnostics';
import type { MachineModel, VnetModel } from './model';
import { Links, addressOwners } from './net';
import type { Span } from './span';
import type { AddressModel } from './model';
import type { TextFix } from './syntax';

export interface MachineFacts {
  machine: MachineModel;
  links: Links;
  owners: Map<string, AddressModel[]>;
}

export class CheckContext {
  readonly problems: Problem[] = [];
  readonly facts: MachineFacts[];

  constructor(readonly model: VnetModel) {
    this.facts = model.machines.map((machine) => ({ machine, links: new Links(machine), owners: addressOwners(machine) }));
  }

  report(span: Span, code: string, message: string, fixes?: TextFix[], severity?: Severity): void {
    const info = CODES[code];
    this.problems.push({ span, severity: severity ?? info?.severity ?? 'error', code, message, ...(fixes && fixes.length ? { fixes } : {}) });
  }

  lineOf(span: Span): number {
    return this.model.lines.lineOf(span.start) + 1;
  }
}
