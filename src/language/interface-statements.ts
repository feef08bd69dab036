// The statements that declare an interface of their own kind (`bridge br0 { … }`, `dummy d0 { … }`), read
// from the one table of interface kinds (src/model/interface-kinds.ts). The parser, the binder, the printer
// and the editor features ask here, so that a next declarable kind is a row of that table, a summary below,
// and its grammar (syntaxes/vnet.tmLanguage.json).

import { DECLARABLE_KINDS, INTERFACE_KINDS, type InterfaceKindFacts } from '../model/interface-kinds';
import type { InterfaceKind } from '../model/topology';

/** The keyword of a statement that declares an interface: `bridge`, `dummy`. */
export type InterfaceKeyword = NonNullable<InterfaceKindFacts['statement']>;

/** What hover and completion say about each declaring statement (typed by keyword: a new one must be described). */
const SUMMARIES: Record<InterfaceKeyword, string> = {
  bridge: 'A Linux bridge in this namespace; veth ends become its ports with `veth NAME:port -- …`.',
  dummy: 'A dummy interface in this namespace (`ip link add NAME type dummy`): a plain interface that holds addresses, e.g. a stable service address. It has no ports and no peer.',
};

/** Declaring keyword → the interface kind it declares. */
const KIND_OF = new Map<string, InterfaceKind>(DECLARABLE_KINDS.map((kind) => [INTERFACE_KINDS[kind].statement!, kind]));

/** The keywords of the declaring statements, in the table's order. */
export const INTERFACE_KEYWORDS: readonly InterfaceKeyword[] = DECLARABLE_KINDS.map((kind) => INTERFACE_KINDS[kind].statement!);

export function isInterfaceKeyword(word: string | null | undefined): word is InterfaceKeyword {
  return word !== null && word !== undefined && KIND_OF.has(word);
}

/** The kind a declaring keyword declares (`dummy` → dummy). */
export function declaredKind(keyword: InterfaceKeyword): InterfaceKind {
  return KIND_OF.get(keyword)!;
}

/** The keyword that declares an interface of this kind, or null when the language has none (veth ends, lo). */
export function keywordOf(kind: InterfaceKind): InterfaceKeyword | null {
  return INTERFACE_KINDS[kind].statement;
}

/** How a declaring statement is written. */
export function interfaceSyntax(keyword: InterfaceKeyword): string {
  return `${keyword} NAME [{ address CIDR…; mtu N; down }]`;
}

export function interfaceSummary(keyword: InterfaceKeyword): string {
  return SUMMARIES[keyword];
}

/** `bridge br0` / `dummy d0`: the words people know an interface by. */
export function interfaceTitle(kind: InterfaceKind, name: string): string {
  return `${INTERFACE_KINDS[kind].label} ${name}`;
}
