// Completion inside an `expect` statement: where the packet starts (namespaces, `host`, `MACHINE/NS`),
// `reaches` / `does not reach`, the target, then the protocols and `lands on` the statement still lacks.

import { CompletionItemKind } from 'vscode-languageserver';
import { EXPECT_PROTOCOLS } from '../language/keywords';
import type { VnetModel } from '../language/model';
import { formatName } from '../language/quote';

export interface ExpectSuggestion {
  label: string;
  kind: CompletionItemKind;
  detail: string;
  /** Keywords rank after names. */
  rank: number;
}

function places(model: VnetModel, detail: string): ExpectSuggestion[] {
  const out: ExpectSuggestion[] = [];
  for (const machine of model.machines) {
    const prefix = model.multiMachine ? `${formatName(machine.name)}/` : '';
    for (const place of machine.places.values()) {
      const name = place.root ? 'host' : formatName(place.name);
      out.push({ label: `${prefix}${name}`, kind: CompletionItemKind.Module, detail: place.root ? `the root namespace${prefix ? ` of ${machine.name}` : ''} (${detail})` : `namespace (${detail})`, rank: 1 });
    }
  }
  return out;
}

function keyword(label: string, detail: string): ExpectSuggestion {
  return { label, kind: CompletionItemKind.Keyword, detail, rank: 2 };
}

/** What may come next after the words `args` of an `expect` (the keyword left out). */
export function expectSuggestions(model: VnetModel, args: string[]): ExpectSuggestion[] {
  if (args.length === 0) return places(model, 'where the packet starts');
  const last = args[args.length - 1];
  const verbAt = args.indexOf('reaches') >= 0 ? args.indexOf('reaches') : args.indexOf('reach');
  if (verbAt < 0) {
    if (last === 'does') return [keyword('not reach', 'the round trip must not work')];
    if (last === 'not') return [keyword('reach', 'the round trip must not work')];
    if (args.length === 1) return [keyword('reaches', 'the round trip must work'), keyword('does not reach', 'the round trip must not work')];
    return [];
  }
  if (args.length === verbAt + 1) return places(model, 'the target; NAME:PORT asks about a tcp port');
  if (last === 'lands') return [keyword('on', 'lands on NS[:PORT]')];
  if (last === 'on' && args[args.length - 2] === 'lands') return places(model, 'where it must land after NAT');
  if (last === 'tcp' || last === 'udp') return [];
  const out: ExpectSuggestion[] = [];
  if (!args.some((a) => (EXPECT_PROTOCOLS as readonly string[]).includes(a))) {
    out.push(keyword('icmp', 'ping (the default without a port)'), keyword('tcp', 'tcp PORT'), keyword('udp', 'udp PORT'));
  }
  const negated = args.includes('does');
  if (!negated && !args.includes('lands')) out.push(keyword('lands on', 'where the request must land after NAT, e.g. lands on netns2:80'));
  return out;
}
