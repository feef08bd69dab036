// "Go to .vnet source": where in a .vnet file an element is declared. The lowering does not carry source
// ranges into the Topology, so this reads the file the way a person scans it: the block or statement that
// names the element. Pure; the panel host turns the answer into an editor selection.

import type { ElementRef } from '../../model/protocol';

export interface SourceSpot {
  line: number;
  character: number;
  length: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A name as a whole word: not part of a longer name (names may contain "-", "." and "_"). */
function word(name: string): string {
  return `(?<![\\w.-])${escapeRegExp(name)}(?![\\w.-])`;
}

function find(lines: readonly string[], pattern: RegExp, name: string): SourceSpot | null {
  for (let i = 0; i < lines.length; i++) {
    const code = lines[i].replace(/#.*$/, '');
    const match = pattern.exec(code);
    if (!match) continue;
    const at = code.indexOf(name, match.index);
    return { line: i, character: at >= 0 ? at : match.index, length: name.length };
  }
  return null;
}

/** The values that tell one NAT rule from another: addresses, interfaces, ports, translations. */
function natValues(rule: string): string[] {
  const tokens = rule.split(/\s+/);
  const values: string[] = [];
  tokens.forEach((token, i) => {
    if (['-s', '-d', '-i', '-o', '--dport', '--to-destination', '--to-source', '-j'].includes(token) && tokens[i + 1]) {
      values.push(tokens[i + 1].replace(/\/32$/, ''));
    }
  });
  return values.filter((v) => !['MASQUERADE', 'DNAT', 'SNAT', 'ACCEPT', 'RETURN'].includes(v));
}

function locateNatRule(lines: readonly string[], rule: string): SourceSpot | null {
  const values = natValues(rule);
  let best: { line: number; score: number } | null = null;
  lines.forEach((text, line) => {
    const code = text.replace(/#.*$/, '');
    if (!/^\s*nat\b/.test(code)) return;
    const score = values.filter((v) => code.includes(v)).length;
    if (!best || score > best.score) best = { line, score };
  });
  if (!best) return null;
  const found = best as { line: number; score: number };
  const character = lines[found.line].search(/\S/);
  return { line: found.line, character, length: lines[found.line].replace(/#.*$/, '').trimEnd().length - character };
}

/** The lines of the block that declares a namespace (`namespace NAME {` … `}`), or of the host block. */
function blockOf(lines: readonly string[], namespace: string | null): [number, number] | null {
  const opener = namespace ? new RegExp(`^\\s*namespace\\s+${word(namespace)}\\s*\\{`) : /^\s*host\b[^{]*\{/;
  const start = lines.findIndex((l) => opener.test(l.replace(/#.*$/, '')));
  if (start < 0) return null;
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    const code = lines[i].replace(/#.*$/, '');
    depth += (code.match(/\{/g) ?? []).length - (code.match(/\}/g) ?? []).length;
    if (depth <= 0) return [start, i];
  }
  return [start, lines.length - 1];
}

export function locateInVnet(text: string, ref: ElementRef): SourceSpot | null {
  const lines = text.split(/\r?\n/);
  const ns = ref.namespace && ref.namespace !== 'host' ? ref.namespace : null;
  // Inside the namespace's own block first: `address veth1 …` there beats a mention elsewhere.
  if (ref.interface || ref.route) {
    const block = blockOf(lines, ns);
    const name = ref.interface ?? ref.route!;
    if (block) {
      const inner = lines.slice(block[0] + 1, block[1] + 1);
      const pattern = ref.route ? new RegExp(`^\\s*route\\s+${escapeRegExp(name)}(?!\\S)`) : new RegExp(word(name));
      const spot = find(inner, pattern, name);
      if (spot) return { ...spot, line: spot.line + block[0] + 1 };
    }
  }
  const attempts: [RegExp, string][] = [];
  if (ref.rule) {
    const spot = locateNatRule(lines, ref.rule);
    if (spot) return spot;
  }
  if (ref.route) attempts.push([new RegExp(`^\\s*route\\s+${escapeRegExp(ref.route)}(?!\\S)`), ref.route]);
  if (ref.interface) {
    const name = ref.interface;
    attempts.push([new RegExp(`^\\s*bridge\\s+${word(name)}`), name]);
    if (ns) attempts.push([new RegExp(`${word(ns)}:${escapeRegExp(name)}(?![\\w.-])`), name]);
    attempts.push([new RegExp(`^\\s*(address|veth|interface|link|up|down)\\b.*${word(name)}`), name]);
    attempts.push([new RegExp(word(name)), name]);
  }
  if (ns) {
    attempts.push([new RegExp(`^\\s*namespace\\s+${word(ns)}`), ns]);
    attempts.push([new RegExp(word(ns)), ns]);
  }
  if (ref.kind === 'host') attempts.push([/^\s*host\b/, 'host']);
  if (ref.host && ref.host !== 'host') attempts.push([new RegExp(`^\\s*host\\s+${word(ref.host)}`), ref.host]);
  for (const [pattern, name] of attempts) {
    const spot = find(lines, pattern, name);
    if (spot) return spot;
  }
  return null;
}
