// Reads the words of an `expect` line (after the keyword) into an ExpectStatement. Like the rest of the
// parser it never throws: a missing part is null and reported, a word it cannot place is reported and
// skipped, so a half-typed expectation still gives completion and hover what they need.

import { parseIp } from '../model/cidr';
import { closest } from './suggest';
import type { Span } from './span';
import type { ExpectEnd, ExpectStatement, Name, SyntaxProblem, Word } from './syntax';

/** One atom of the line as the parser read it (touching words and strings glued). */
export interface ExpectAtom {
  start: number;
  end: number;
  text: string;
  quoted: boolean;
}

/** What the parser lends: splitting an atom at an unquoted separator, and reporting. */
export interface ExpectTools<A extends ExpectAtom> {
  split(atom: A, separator: string, which: 'first' | 'last'): [A | null, A | null] | null;
  report(at: Span, code: string, message: string, fixes?: SyntaxProblem['fixes']): void;
}

export const EXPECT_USAGE = 'expect FROM reaches|does not reach TARGET [icmp | tcp PORT | udp PORT] [lands on NS[:PORT]]';

const PROTOCOL_WORDS = new Set(['icmp', 'tcp', 'udp']);

function spanOf(atom: ExpectAtom): Span {
  return { start: atom.start, end: atom.end };
}

function nameOf(atom: ExpectAtom): Name {
  return { span: spanOf(atom), text: atom.text, quoted: atom.quoted };
}

function wordOf(atom: ExpectAtom): Word {
  return { span: spanOf(atom), text: atom.text };
}

function isWord(atom: ExpectAtom | undefined, word: string): boolean {
  return atom !== undefined && !atom.quoted && atom.text === word;
}

/** `[fd00::1]:80` or `[fd00::1]`: an IPv6 address in brackets, with its port. */
function bracketed(atom: ExpectAtom, end: ExpectEnd): boolean {
  if (atom.quoted || !atom.text.startsWith('[')) return false;
  const close = atom.text.indexOf(']');
  if (close < 0) return false;
  end.address = { span: { start: atom.start + 1, end: atom.start + close }, text: atom.text.slice(1, close) };
  const rest = atom.text.slice(close + 1);
  if (rest.startsWith(':') && rest.length > 1) end.port = { span: { start: atom.start + close + 2, end: atom.end }, text: rest.slice(1) };
  return true;
}

/** A namespace (`ns1`, `a/ns1`, `"my ns"`) or an address, with an optional `:PORT`. */
export function readExpectEnd<A extends ExpectAtom>(atom: A, tools: ExpectTools<A>): ExpectEnd {
  const end: ExpectEnd = { span: spanOf(atom), machine: null, namespace: null, address: null, port: null };
  if (!atom.quoted && parseIp(atom.text) !== null) { end.address = wordOf(atom); return end; }
  if (bracketed(atom, end)) return end;
  const split = tools.split(atom, ':', 'last');
  let place: A | null = atom;
  if (split) {
    [place] = split;
    const port = split[1];
    if (port) end.port = wordOf(port);
    else tools.report(end.span, 'VN-SYNTAX-MISSING', 'Write the port after the ":", e.g. `blue:80`.');
  }
  if (!place) {
    tools.report(end.span, 'VN-SYNTAX-MISSING', 'Write a namespace or an address before the ":", e.g. `blue:80`.');
    return end;
  }
  if (!place.quoted && parseIp(place.text) !== null) { end.address = wordOf(place); return end; }
  const scoped = tools.split(place, '/', 'first');
  if (scoped) {
    if (scoped[0]) end.machine = nameOf(scoped[0]);
    if (scoped[1]) end.namespace = nameOf(scoped[1]);
    if (!scoped[0] || !scoped[1]) tools.report(spanOf(place), 'VN-SYNTAX-MISSING', 'Write a namespace of a machine as MACHINE/NAMESPACE, e.g. `a/ns1`.');
    return end;
  }
  end.namespace = nameOf(place);
  return end;
}

class ExpectReader<A extends ExpectAtom> {
  private index = 1;

  constructor(private readonly atoms: A[], private readonly lineEnd: number, private readonly tools: ExpectTools<A>) {}

  private missing(what: string, example: string): void {
    this.tools.report({ start: this.lineEnd, end: this.lineEnd }, 'VN-SYNTAX-MISSING', `Missing ${what} here. Write it as \`${example}\`.`);
  }

  private peek(): A | undefined {
    return this.atoms[this.index];
  }

  private take(): A | undefined {
    return this.atoms[this.index++];
  }

  read(statement: ExpectStatement): void {
    const first = this.peek();
    if (!first) { this.missing('what is expected', 'expect ns1 reaches ns2'); return; }
    if (!isWord(first, 'reaches') && !isWord(first, 'does')) statement.from = readExpectEnd(this.take()!, this.tools);
    else this.tools.report(spanOf(first), 'VN-SYNTAX-MISSING', 'Name where the packet starts before this word: `expect FROM reaches TARGET`.');
    if (!this.verb(statement)) return;
    const target = this.take();
    if (!target) { this.missing('the target', `${statement.negated ? 'does not reach' : 'reaches'} ns2`); return; }
    statement.to = readExpectEnd(target, this.tools);
    this.options(statement);
  }

  /** `reaches` or `does not reach`; false when the line ends or goes on with something else. */
  private verb(statement: ExpectStatement): boolean {
    const atom = this.peek();
    if (!atom) { this.missing('`reaches` or `does not reach`', 'expect ns1 reaches ns2'); return false; }
    if (isWord(atom, 'reaches')) {
      this.index++;
      statement.verb = spanOf(atom);
      return true;
    }
    if (isWord(atom, 'does')) {
      this.index++;
      const not = this.peek();
      const reach = this.atoms[this.index + 1];
      if (isWord(not, 'not') && isWord(reach, 'reach')) {
        this.index += 2;
        statement.negated = true;
        statement.verb = { start: atom.start, end: reach!.end };
        return true;
      }
      const at = not ? spanOf(not) : spanOf(atom);
      this.tools.report(at, 'VN-SYNTAX-MISSING', 'Write `does not reach`, e.g. `expect red does not reach blue`.');
      return false;
    }
    const guess = closest(atom.text, ['reaches', 'reach']);
    const span = spanOf(atom);
    this.tools.report(span, 'VN-SYNTAX-MISSING', `Write \`reaches\` or \`does not reach\` after where the packet starts, not \`${atom.text}\`.`,
      guess ? [{ title: 'Change to `reaches`', edits: [{ span, newText: 'reaches' }] }] : undefined);
    return false;
  }

  /** The protocol (with its port) and `lands on`, in any order, once each. */
  private options(statement: ExpectStatement): void {
    for (let atom = this.take(); atom; atom = this.take()) {
      const word = atom.quoted ? null : atom.text;
      if (word !== null && PROTOCOL_WORDS.has(word) && !statement.protocol) {
        statement.protocol = wordOf(atom);
        const port = this.peek();
        if (word !== 'icmp' && port && !port.quoted && /^[0-9]/.test(port.text)) statement.port = wordOf(this.take()!);
        continue;
      }
      if (word === 'lands' && !statement.lands) {
        const on = this.peek();
        statement.lands = spanOf(atom);
        if (!isWord(on, 'on')) { this.missing('`on` and where it must land', 'lands on netns2:80'); continue; }
        this.index++;
        statement.lands = { start: atom.start, end: on!.end };
        const where = this.take();
        if (where) statement.landsOn = readExpectEnd(where, this.tools);
        else this.missing('where it must land', 'lands on netns2:80');
        continue;
      }
      this.extra(atom, statement);
    }
  }

  private extra(atom: A, statement: ExpectStatement): void {
    const span = spanOf(atom);
    const candidates = [...(statement.protocol ? [] : PROTOCOL_WORDS), ...(statement.lands ? [] : ['lands'])];
    const guess = atom.quoted ? null : closest(atom.text, candidates);
    const twice = !atom.quoted && (PROTOCOL_WORDS.has(atom.text) || atom.text === 'lands');
    this.tools.report(span, 'VN-SYNTAX-EXTRA', twice
      ? `\`${atom.text}\` is already written on this line: an expectation has one protocol and one \`lands on\`.`
      : `Unexpected \`${atom.text}\`. This statement is written \`${EXPECT_USAGE}\`${guess ? `; did you mean \`${guess}\`?` : '.'}`,
    guess ? [{ title: `Change to \`${guess}\``, edits: [{ span, newText: guess }] }] : undefined);
    // A misspelt protocol's port belongs to it: one problem, not two.
    const next = this.peek();
    if (guess && PROTOCOL_WORDS.has(guess) && next && !next.quoted && /^[0-9]+$/.test(next.text)) this.index++;
  }
}

/** The statement an `expect` line says; `atoms[0]` is the keyword. */
export function readExpect<A extends ExpectAtom>(atoms: A[], line: Span, tools: ExpectTools<A>): ExpectStatement {
  const head = atoms[0];
  const statement: ExpectStatement = {
    kind: 'expect', span: line, keyword: spanOf(head), from: null, negated: false, verb: null, to: null, protocol: null, port: null,
    lands: null, landsOn: null,
  };
  new ExpectReader(atoms, line.end, tools).read(statement);
  return statement;
}
