// Completion: the statements of the cursor's block (and their snippets), then, inside a statement, what
// may come next: places and `--` in a veth, the interfaces of the place named before `place:`, interfaces
// of the namespace after `address`, `link`, `dev`, `in`/`out`, gateways after `via`, chains after `jump`,
// namespaces and addresses after `to`, the matches a NAT rule still lacks, and the words of an `expect`.

import { ROOT_NAMESPACE } from '../model/topology';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Position, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { formatCidr, networkOf } from '../model/cidr';
import { PORT_PROTOCOLS } from '../model/ports';
import { INTERFACE_KINDS } from '../model/interface-kinds';
import { MATCHERS, NAT_ACTIONS, STATEMENTS } from '../language/keywords';
import { lex } from '../language/lexer';
import type { MachineModel, PlaceModel } from '../language/model';
import { Links, addressText, connectedAddresses, describeIface } from '../language/net';
import { namespaceIpv4 } from '../language/nat-target';
import { formatName } from '../language/quote';
import { recentModelOf } from './analysis';
import { cursorContext, type CursorContext } from './cursor';
import { expectSuggestions } from './expect-completion';
import { SNIPPETS } from './snippets';
import { IMPAIRMENT_FACTS, IMPAIRMENT_SETTINGS, isImpairmentSetting } from '../model/impairment';

export interface CompletionOptions {
  /** Offer snippets (a client that contributes the same snippets itself can turn these off). */
  snippets?: boolean;
}

const RETRIGGER = { title: 'Suggest', command: 'editor.action.triggerSuggest' };

class Items {
  readonly list: CompletionItem[] = [];
  constructor(private readonly range: Range) {}

  /** `insert` is the text put in place of the word being typed (the label unless given). */
  add(label: string, kind: CompletionItemKind, detail: string, extra: Partial<CompletionItem> & { insert?: string } = {}, rank = 1): void {
    const { insert, ...rest } = extra;
    this.list.push({ label, kind, detail, sortText: `${rank}${label}`, textEdit: { range: this.range, newText: insert ?? label }, ...rest });
  }
}

function unquote(raw: string): string {
  return lex(raw).tokens.filter((t) => t.kind === 'word' || t.kind === 'string').map((t) => t.text).join('');
}

function addKeywords(items: Items, cursor: CursorContext, options: CompletionOptions): void {
  for (const info of STATEMENTS[cursor.context]) {
    items.add(info.keyword, CompletionItemKind.Keyword, info.syntax, { documentation: info.summary }, 2);
  }
  if (options.snippets === false) return;
  for (const snippet of SNIPPETS) {
    if (!snippet.contexts.includes(cursor.context)) continue;
    items.add(snippet.name, CompletionItemKind.Snippet, snippet.description, {
      filterText: snippet.prefix, insert: snippet.body.join('\n'), insertTextFormat: InsertTextFormat.Snippet,
    }, 3);
  }
}

function bridgePlaceName(machine: MachineModel, bridgeName: string, place: PlaceModel): string {
  const holders = [...machine.places.values()].filter((p) => p.interfaces.get(bridgeName)?.kind === 'bridge');
  const clash = holders.length > 1 || machine.places.has(bridgeName) || bridgeName === ROOT_NAMESPACE;
  return clash ? `${formatName(place.name)}/${formatName(bridgeName)}` : formatName(bridgeName);
}

function addPlaces(items: Items, machine: MachineModel | null): void {
  if (!machine) return;
  items.add('host', CompletionItemKind.Module, 'the root namespace', { insert: 'host:', command: RETRIGGER });
  for (const place of machine.places.values()) {
    if (place.root) continue;
    const name = formatName(place.name);
    items.add(name, CompletionItemKind.Module, 'namespace', { insert: `${name}:`, command: RETRIGGER });
  }
  for (const place of machine.places.values()) {
    for (const iface of place.order) {
      if (iface.kind !== 'bridge') continue;
      const name = bridgePlaceName(machine, iface.name, place);
      items.add(name, CompletionItemKind.Struct, `bridge in ${place.name} (the end becomes a port)`, { insert: `${name}:`, command: RETRIGGER });
    }
  }
}

/** After `place:`, the interfaces that place already has. */
function addPlaceInterfaces(document: TextDocument, cursor: CursorContext, position: Position): Items | null {
  const partial = cursor.partial;
  const colon = partial.lastIndexOf(':');
  if (colon < 0 || !cursor.machine) return null;
  const start = cursor.partialStart + colon + 1;
  const items = new Items({ start: document.positionAt(start), end: position });
  const placeText = partial.slice(0, colon);
  const slash = placeText.indexOf('/');
  const machine = cursor.machine;
  const scope = slash >= 0 ? unquote(placeText.slice(0, slash)) : null;
  const name = unquote(slash >= 0 ? placeText.slice(slash + 1) : placeText);
  const places = scope !== null ? [machine.places.get(scope)].filter((p): p is PlaceModel => !!p) : [...machine.places.values()];
  const namespace = scope === null ? (name === ROOT_NAMESPACE ? machine.root : machine.places.get(name)) : undefined;
  if (namespace) {
    for (const iface of namespace.order) {
      if (iface.kind !== 'veth') continue;
      items.add(formatName(iface.name), CompletionItemKind.Interface, iface.peer ? `veth end, peer ${describeIface(iface.peer)}` : 'veth end');
    }
    return items;
  }
  for (const place of places) {
    const bridge = place.interfaces.get(name);
    if (bridge?.kind !== 'bridge') continue;
    for (const port of bridge.ports) items.add(formatName(port.name), CompletionItemKind.Interface, `port of ${bridge.name}`);
  }
  return items;
}

function addInterfaces(items: Items, place: PlaceModel | null): void {
  if (!place) return;
  for (const iface of place.order) {
    const label = INTERFACE_KINDS[iface.kind].label;
    const detail = iface.kind === 'veth' && iface.peer ? `${label}, peer ${describeIface(iface.peer)}` : label;
    items.add(formatName(iface.name), CompletionItemKind.Interface, detail);
  }
}

function addValues(items: Items, values: string[], detail: string): void {
  for (const value of values) items.add(value, CompletionItemKind.EnumMember, detail);
}

function addSubnets(items: Items, machine: MachineModel | null): void {
  if (!machine) return;
  const seen = new Set<string>();
  for (const place of machine.places.values()) {
    for (const address of connectedAddresses(place)) {
      const subnet = formatCidr(networkOf(address.cidr!));
      if (seen.has(subnet)) continue;
      seen.add(subnet);
      items.add(subnet, CompletionItemKind.Value, `subnet of ${describeIface(address.iface)}`);
    }
  }
}

function addGateways(items: Items, place: PlaceModel | null): void {
  if (!place) return;
  const links = new Links(place.machine);
  const mine = place.order.filter((i) => i.kind !== 'loopback');
  const seen = new Set<string>();
  for (const other of place.machine.places.values()) {
    if (other === place) continue;
    for (const iface of other.order) {
      if (!mine.some((m) => links.sameLink(m, iface))) continue;
      for (const address of iface.addresses) {
        if (!address.cidr) continue;
        const text = addressText(address);
        if (seen.has(text)) continue;
        seen.add(text);
        items.add(text, CompletionItemKind.Value, describeIface(iface));
      }
    }
  }
}

function addRuleWords(items: Items, cursor: CursorContext, ruleWords: string[]): void {
  const place = cursor.place;
  if (ruleWords.length === 0) {
    for (const info of STATEMENTS.chain) items.add(info.keyword, CompletionItemKind.Keyword, info.syntax, { documentation: info.summary }, 2);
    return;
  }
  const action = ruleWords[0];
  const last = ruleWords[ruleWords.length - 1];
  if (!NAT_ACTIONS.includes(action)) return;
  if (action === 'jump' && ruleWords.length === 1) {
    for (const chain of place?.chains.values() ?? []) if (!chain.builtin) items.add(formatName(chain.name), CompletionItemKind.Function, 'user chain');
    return;
  }
  if (['in', 'not-in', 'out', 'not-out'].includes(last)) { addInterfaces(items, place); return; }
  if (['src', 'not-src', 'dst', 'not-dst'].includes(last)) { addSubnets(items, cursor.machine); return; }
  if (last === 'proto') { addValues(items, [...PORT_PROTOCOLS, 'icmp'], 'protocol'); return; }
  if (PORT_PROTOCOLS.has(last)) return;
  if (last === 'to') {
    for (const target of cursor.machine?.places.values() ?? []) {
      const addresses = namespaceIpv4(target);
      if (addresses.length !== 1 || target === place) continue;
      if (action === 'dnat') items.add(`${formatName(target.name)}:`, CompletionItemKind.Module, `namespace ${target.name} (${addresses[0]})`, { command: RETRIGGER });
      items.add(addresses[0], CompletionItemKind.Value, `address of ${target.name}`);
    }
    return;
  }
  const used = new Set(ruleWords);
  for (const matcher of MATCHERS) {
    if (used.has(matcher.keyword)) continue;
    if (matcher.keyword === 'to' && action !== 'dnat' && action !== 'snat') continue;
    items.add(matcher.keyword, CompletionItemKind.Keyword, matcher.syntax, { documentation: matcher.summary }, 2);
  }
}

/** Example values for each unit, offered after a setting's keyword. */
const IMPAIRMENT_VALUES: Record<'time' | 'percent' | 'rate', string[]> = {
  time: ['1ms', '5ms', '20ms', '100ms', '600ms'],
  percent: ['0.1%', '1%', '5%', '25%', '100%'],
  rate: ['256kbit', '1mbit', '10mbit', '100mbit', '1gbit'],
};

/** Inside an impairment line: values after a setting, else the settings the line does not have yet. */
function addImpairmentWords(items: Items, settingWords: string[]): void {
  const last = settingWords[settingWords.length - 1];
  if (last !== undefined && isImpairmentSetting(last)) {
    const facts = IMPAIRMENT_FACTS[last];
    const unit = last === 'delay' || last === 'jitter' ? 'time' : last === 'rate' ? 'rate' : 'percent';
    for (const value of IMPAIRMENT_VALUES[unit]) items.add(value, CompletionItemKind.Value, facts.syntax, { documentation: facts.summary });
    return;
  }
  for (const setting of IMPAIRMENT_SETTINGS) {
    if (settingWords.includes(setting)) continue;
    const facts = IMPAIRMENT_FACTS[setting];
    items.add(setting, CompletionItemKind.Keyword, facts.syntax, { documentation: facts.summary }, 2);
  }
}

export function completionsAt(document: TextDocument, position: Position, options: CompletionOptions = {}): CompletionItem[] {
  // Names come from the latest analysis (possibly one edit behind); the cursor's context from the text.
  const { model, unchangedBefore } = recentModelOf(document);
  const offset = document.offsetAt(position);
  const cursor = cursorContext(document.getText(), offset, model, unchangedBefore);
  if (cursor.inComment) return [];
  const items = new Items({ start: document.positionAt(cursor.partialStart), end: position });
  const words = cursor.words;
  if (words.length === 0) {
    if (cursor.partial.includes(':')) return [];
    addKeywords(items, cursor, options);
    return items.list;
  }
  if (words[0] === 'veth' && cursor.context !== 'chain') {
    const byColon = addPlaceInterfaces(document, cursor, position);
    if (byColon) return byColon.list;
  }
  addStatementWords(items, cursor, model);
  return items.list;
}

/** What may follow the statement's words so far (cursor.words, the first being its keyword). */
function addStatementWords(items: Items, cursor: CursorContext, model: ReturnType<typeof recentModelOf>['model']): void {
  const words = cursor.words;
  const [head, ...args] = words;
  switch (cursor.context === 'chain' ? 'rule' : head) {
    case 'veth':
      if (args.length === 0 || (args.length === 2 && args[1] === '--')) addPlaces(items, cursor.machine);
      else if (args.length === 1) items.add('--', CompletionItemKind.Operator, 'between the two ends');
      break;
    case 'address':
      if (cursor.context === 'place' && args.length === 0) addInterfaces(items, cursor.place);
      break;
    case 'link':
      if (args.length === 0) addInterfaces(items, cursor.place);
      else if (args[args.length - 1] !== 'mtu') {
        for (const word of ['mtu', 'up', 'down']) if (!args.includes(word) && !(word !== 'mtu' && (args.includes('up') || args.includes('down')))) items.add(word, CompletionItemKind.Keyword, 'link setting', {}, 2);
      }
      break;
    case 'route': {
      const last = args[args.length - 1];
      if (args.length === 0) { items.add('default', CompletionItemKind.Keyword, 'the default route', {}, 0); addSubnets(items, cursor.machine); }
      else if (last === 'via') addGateways(items, cursor.place);
      else if (last === 'dev') addInterfaces(items, cursor.place);
      else for (const word of ['via', 'dev']) if (!args.includes(word)) items.add(word, CompletionItemKind.Keyword, word === 'via' ? 'via GATEWAY' : 'dev IFNAME', {}, 2);
      break;
    }
    case 'forwarding': if (args.length === 0) addValues(items, ['on', 'off'], 'forwarding'); break;
    case 'loopback': if (args.length === 0) addValues(items, ['up', 'down'], 'state of lo'); break;
    case 'forward-policy': if (args.length === 0) addValues(items, ['accept', 'drop'], 'FORWARD policy'); break;
    case 'machine': case 'lab': if (args.length === 1) items.add('ssh', CompletionItemKind.Keyword, 'ssh USER@HOST', {}, 2); break;
    case 'nat':
      if (args.length === 0) {
        items.add('chain', CompletionItemKind.Keyword, 'nat chain NAME { … }', {}, 2);
        addRuleWords(items, cursor, []);
      } else if (args[0] !== 'chain') {
        addRuleWords(items, cursor, args);
      }
      break;
    case 'rule':
      addRuleWords(items, cursor, words);
      break;
    case 'expect':
      if (cursor.context !== 'top') break;
      for (const s of expectSuggestions(model, args)) items.add(s.label, s.kind, s.detail, {}, s.rank);
      break;
    case 'impair':
      if (args.length === 0) addInterfaces(items, cursor.place);
      else addImpairmentWords(items, args.slice(1));
      break;
    case '->': case '<-':
      addImpairmentWords(items, args);
      break;
    default:
      if (isImpairmentSetting(head) && (cursor.context === 'link' || cursor.context === 'interface')) addImpairmentWords(items, words);
      break;
  }
}
