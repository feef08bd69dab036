// A hand-written, line-oriented parser. It never throws and always returns a whole tree: a statement it
// cannot read becomes an `error` statement, a missing piece becomes null, and parsing resumes at the next
// line, `;`, `{` or `}`. Blocks are matched by braces, so one bad line never swallows the rest of a file.

import { INTERFACE_KINDS } from '../model/interface-kinds';
import { declaredKind, isInterfaceKeyword, type InterfaceKeyword } from './interface-statements';
import { CONTEXT_NAMES, NAT_ACTIONS, PORT_PROTOCOLS, STATEMENTS, contextsOf, type BlockContext } from './keywords';
import { IMPAIRMENT_SETTINGS, isImpairmentSetting } from '../model/impairment';
import { Lexer, type Token } from './lexer';
import { closest } from './suggest';
import type { Span } from './span';
import type {
  Block, Endpoint, ImpairSetting, MatcherKind, Name, NatRuleNode, NatTo, Statement, SyntaxProblem, VnetDocumentSyntax, Word,
} from './syntax';
import { parseIp } from '../model/cidr';
import { looksLikeAddress } from './fast-cidr';
import { readExpect } from './parse-expect';

/** Touching words and strings, read as one value: `"my ns":veth1` is one atom of three tokens. */
interface Atom {
  parts: Token[];
  start: number;
  end: number;
  text: string;
  quoted: boolean;
}

interface Line {
  atoms: Atom[];
  start: number;
  end: number;
}

const MATCHER_WORDS: Record<string, { kind: MatcherKind; negated: boolean }> = {
  src: { kind: 'src', negated: false },
  'not-src': { kind: 'src', negated: true },
  dst: { kind: 'dst', negated: false },
  'not-dst': { kind: 'dst', negated: true },
  in: { kind: 'in', negated: false },
  'not-in': { kind: 'in', negated: true },
  out: { kind: 'out', negated: false },
  'not-out': { kind: 'out', negated: true },
  proto: { kind: 'proto', negated: false },
};

function isKeyword(atom: Atom | undefined, word: string): boolean {
  return atom !== undefined && !atom.quoted && atom.parts.length === 1 && atom.text === word;
}

function bare(atom: Atom | undefined): string | null {
  return atom !== undefined && !atom.quoted && atom.parts.length === 1 ? atom.text : null;
}

function nameOf(atom: Atom): Name {
  return { span: { start: atom.start, end: atom.end }, text: atom.text, quoted: atom.quoted };
}

function wordOf(atom: Atom): Word {
  return { span: { start: atom.start, end: atom.end }, text: atom.text };
}

/**
 * Splits an atom at an unquoted separator character (the last one or the first one). Quoted parts are
 * never split, which is what lets a quoted namespace name contain ":" or "/".
 */
function splitAtom(atom: Atom, separator: string, which: 'first' | 'last'): [Atom | null, Atom | null] | null {
  if (atom.parts.length === 1) {
    // The common case, one bare word (`ns1:veth1`): no arrays to rebuild.
    const part = atom.parts[0];
    if (part.kind !== 'word') return null;
    const at = which === 'last' ? part.text.lastIndexOf(separator) : part.text.indexOf(separator);
    if (at < 0) return null;
    const left = at > 0 ? wordAtom(part, part.start, part.text.slice(0, at)) : null;
    const right = at + 1 < part.text.length ? wordAtom(part, part.start + at + 1, part.text.slice(at + 1)) : null;
    return [left, right];
  }
  const order = atom.parts.map((_, i) => i);
  if (which === 'last') order.reverse();
  for (const index of order) {
    const part = atom.parts[index];
    if (part.kind !== 'word') continue;
    const at = which === 'last' ? part.text.lastIndexOf(separator) : part.text.indexOf(separator);
    if (at < 0) continue;
    const leftParts = atom.parts.slice(0, index);
    const rightParts = atom.parts.slice(index + 1);
    if (at > 0) leftParts.push({ ...part, end: part.start + at, text: part.text.slice(0, at) });
    if (at + 1 < part.text.length) rightParts.unshift({ ...part, start: part.start + at + 1, text: part.text.slice(at + 1) });
    return [makeAtom(leftParts), makeAtom(rightParts)];
  }
  return null;
}

function wordAtom(part: Token, start: number, text: string): Atom {
  const token: Token = { kind: 'word', start, end: start + text.length, text, glued: part.glued };
  return { parts: [token], start, end: token.end, text, quoted: false };
}

function makeAtom(parts: Token[]): Atom | null {
  if (parts.length === 0) return null;
  return {
    parts,
    start: parts[0].start,
    end: parts[parts.length - 1].end,
    text: parts.map((p) => p.text).join(''),
    quoted: parts.some((p) => p.kind === 'string'),
  };
}

const BLOCK_CONTEXT: Partial<Record<Statement['kind'], BlockContext>> = {
  machine: 'machine',
  'root-namespace': 'place',
  namespace: 'place',
  'nat-chain': 'chain',
  veth: 'link',
};

function blockContextOf(kind: Statement['kind']): BlockContext | null {
  return isInterfaceKeyword(kind) ? 'interface' : BLOCK_CONTEXT[kind] ?? null;
}

/** Machines hold places hold bridges or chains: the language needs a few levels, and this limit leaves room. Blocks
 * nested deeper are noise, skipped without recursion (skipBlock), so no input can exhaust the stack. */
const MAX_DEPTH = 16;

class Parser {
  private depth = 0;
  private current: Token;
  readonly problems: SyntaxProblem[] = [];

  constructor(private readonly lexer: Lexer, private readonly length: number) {
    this.current = lexer.next();
  }

  private peek(): Token {
    return this.current;
  }

  private advance(): void {
    if (this.current.kind !== 'eof') this.current = this.lexer.next();
  }

  private problem(at: Span, code: string, message: string, fixes?: SyntaxProblem['fixes']): void {
    this.problems.push({ start: at.start, end: at.end, code, message, ...(fixes ? { fixes } : {}) });
  }

  parseDocument(): VnetDocumentSyntax {
    const statements = this.parseStatements('top', false);
    return {
      kind: 'document',
      span: { start: 0, end: this.length },
      statements,
      comments: [],
      problems: this.problems,
    };
  }

  /** Statements until `}` (when inside a block) or the end of the file. */
  private parseStatements(context: BlockContext, inBlock: boolean): Statement[] {
    const statements: Statement[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'eof') return statements;
      if (token.kind === 'newline' || token.kind === 'semi') { this.advance(); continue; }
      if (token.kind === 'rbrace') {
        if (inBlock) return statements;
        this.problem(token, 'VN-SYNTAX-BRACE', 'This } closes nothing. Remove it, or add the { it was meant to close.', [
          { title: 'Remove the stray }', edits: [{ span: { start: token.start, end: token.end }, newText: '' }] },
        ]);
        this.advance();
        continue;
      }
      const statement = this.parseStatement(context);
      if (statement) statements.push(statement);
    }
  }

  private readLine(): Line {
    const atoms: Atom[] = [];
    const start = this.peek().start;
    let end = start;
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'word' && token.kind !== 'string') break;
      if (token.glued && atoms.length > 0) {
        const last = atoms[atoms.length - 1];
        last.parts.push(token);
        last.end = token.end;
        last.text += token.text;
        last.quoted ||= token.kind === 'string';
      } else {
        atoms.push({ parts: [token], start: token.start, end: token.end, text: token.text, quoted: token.kind === 'string' });
      }
      end = token.end;
      this.advance();
    }
    return { atoms, start, end };
  }

  private parseBlock(context: BlockContext): Block {
    const open = this.peek();
    this.advance();
    if (this.depth >= MAX_DEPTH) return this.skipBlock(open);
    this.depth++;
    const statements = this.parseStatements(context, true);
    this.depth--;
    const closeToken = this.peek();
    let close: Span | null = null;
    if (closeToken.kind === 'rbrace') {
      close = { start: closeToken.start, end: closeToken.end };
      this.advance();
    } else {
      const at = this.length;
      this.problem({ start: open.start, end: open.end }, 'VN-SYNTAX-UNCLOSED', 'This { is never closed. Add a } at the end of the block.', [
        { title: 'Add the missing }', edits: [{ span: { start: at, end: at }, newText: '\n}\n' }] },
      ]);
    }
    return { span: { start: open.start, end: close ? close.end : closeToken.start }, open: { start: open.start, end: open.end }, close, statements };
  }

  /** Past the nesting limit, a block is skipped brace by brace (no recursion), so no input can exhaust the stack. */
  private skipBlock(open: Token): Block {
    this.problem({ start: open.start, end: open.end }, 'VN-SYNTAX-BRACE', `Blocks nest deeper than ${MAX_DEPTH} levels here; no .vnet statement needs that. Remove the extra braces.`);
    let level = 1;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'eof') return { span: { start: open.start, end: token.start }, open: { start: open.start, end: open.end }, close: null, statements: [] };
      this.advance();
      if (token.kind === 'lbrace') level++;
      if (token.kind === 'rbrace' && --level === 0) {
        return { span: { start: open.start, end: token.end }, open: { start: open.start, end: open.end }, close: { start: token.start, end: token.end }, statements: [] };
      }
    }
  }

  private parseStatement(context: BlockContext): Statement | null {
    const line = this.readLine();
    const next = this.peek();
    if (line.atoms.length === 0) {
      // A `{` with nothing before it on its line.
      if (next.kind === 'lbrace') {
        this.problem(next, 'VN-SYNTAX-BRACE', 'Put { on the same line as the statement it opens, e.g. `namespace ns1 {`.');
        const body = this.parseBlock(context === 'top' || context === 'machine' ? 'place' : context);
        return { kind: 'error', span: body.span, keyword: { start: next.start, end: next.start }, body };
      }
      this.advance();
      return null;
    }
    const head = line.atoms[0];
    const keyword = bare(head);
    const builder = new StatementReader(this, line, context);
    const statement = builder.read(keyword);
    if (next.kind === 'lbrace') {
      const blockContext = blockContextOf(statement.kind) ?? (statement.kind === 'error' ? (context === 'top' || context === 'machine' ? 'place' : context) : null);
      const accepts = 'body' in statement;
      const body = this.parseBlock(blockContext ?? context);
      if (accepts) {
        (statement as { body: Block | null }).body = body;
      } else {
        this.problem(body.open, 'VN-SYNTAX-BRACE', `\`${keyword ?? head.text}\` takes no { } block. Write its settings on its line.`);
      }
      statement.span = { start: statement.span.start, end: body.span.end };
    }
    return statement;
  }

  report(at: Span, code: string, message: string, fixes?: SyntaxProblem['fixes']): void {
    this.problem(at, code, message, fixes);
  }
}

/** Reads the atoms of one line as the statement its keyword names. */
class StatementReader {
  private index = 1;

  constructor(private readonly parser: Parser, private readonly line: Line, private readonly context: BlockContext) {}

  private get atoms(): Atom[] {
    return this.line.atoms;
  }

  private get lineSpan(): Span {
    return { start: this.line.start, end: this.line.end };
  }

  private get keywordSpan(): Span {
    const head = this.atoms[0];
    return { start: head.start, end: head.end };
  }

  private take(): Atom | undefined {
    return this.atoms[this.index++];
  }

  private peek(): Atom | undefined {
    return this.atoms[this.index];
  }

  private missing(what: string, example: string): void {
    const end = this.line.end;
    this.parser.report({ start: end, end }, 'VN-SYNTAX-MISSING', `Missing ${what} here. Write it as \`${example}\`.`);
  }

  /** Reports every atom left on the line. */
  private finish(usage: string): void {
    if (this.index >= this.atoms.length) return;
    const first = this.atoms[this.index];
    const last = this.atoms[this.atoms.length - 1];
    this.parser.report({ start: first.start, end: last.end }, 'VN-SYNTAX-EXTRA', `Unexpected \`${first.text}\`. This statement is written \`${usage}\`.`, [
      { title: 'Remove the extra words', edits: [{ span: { start: this.atoms[this.index - 1].end, end: last.end }, newText: '' }] },
    ]);
  }

  private error(): Statement {
    return { kind: 'error', span: this.lineSpan, keyword: this.keywordSpan, body: null };
  }

  read(keyword: string | null): Statement {
    const context = this.context;
    const allowed = STATEMENTS[context];
    if (keyword === null || !allowed.some((k) => k.keyword === keyword)) {
      this.unknown(keyword);
      return this.error();
    }
    if (isInterfaceKeyword(keyword)) return this.declaration(keyword);
    if (isImpairmentSetting(keyword)) return this.impairment(null, null, 0);
    switch (keyword) {
      case 'lab': return this.lab();
      case 'machine': return this.machine();
      case 'host': return this.rootNamespaceBlock();
      case 'namespace': return this.namespace();
      case 'veth': return this.veth();
      case 'address': return this.address();
      case 'link': return this.link();
      case 'mtu': return this.mtu();
      case 'up': case 'down': {
        this.finish(keyword);
        return { kind: 'state', span: this.lineSpan, keyword: this.keywordSpan, value: wordOf(this.atoms[0]) };
      }
      case 'loopback': return this.choice('loopback', ['up', 'down'], 'loopback up');
      case 'forwarding': return this.choice('forwarding', ['on', 'off'], 'forwarding on');
      case 'forward-policy': return this.choice('forward-policy', ['accept', 'drop'], 'forward-policy accept');
      case 'route': return this.route();
      case 'nat': return this.nat();
      case 'expect': return readExpect(this.atoms, this.lineSpan, { split: splitAtom, report: (at, code, message, fixes) => this.parser.report(at, code, message, fixes) });
      case 'impair': return this.impairStatement();
      case '->': case '<-': return this.impairment(null, wordOf(this.atoms[0]), 1);
      default: return this.natRule(this.atoms[0]);
    }
  }

  private unknown(keyword: string | null): void {
    const head = this.atoms[0];
    const span = { start: head.start, end: head.end };
    const where = contextsOf(keyword ?? '');
    if (keyword !== null && this.context === 'place' && NAT_ACTIONS.includes(keyword)) {
      this.parser.report(span, 'VN-SYNTAX-CONTEXT', `A NAT rule in a namespace starts with \`nat\`: write \`nat ${keyword} …\`.`, [
        { title: 'Insert `nat `', edits: [{ span: { start: span.start, end: span.start }, newText: 'nat ' }] },
      ]);
      return;
    }
    if (keyword !== null && where.length > 0) {
      this.parser.report(span, 'VN-SYNTAX-CONTEXT', `\`${keyword}\` is not allowed here; it belongs ${where.map((c) => CONTEXT_NAMES[c]).join(', or ')}.`);
      return;
    }
    const candidates = STATEMENTS[this.context].map((k) => k.keyword);
    const guess = keyword === null ? null : closest(keyword, candidates);
    const expected = candidates.map((c) => `\`${c}\``).join(', ');
    if (guess) {
      this.parser.report(span, 'VN-SYNTAX-UNKNOWN', `Unknown statement \`${head.text}\`. Did you mean \`${guess}\`?`, [
        { title: `Change to \`${guess}\``, edits: [{ span, newText: guess }] },
      ]);
    } else {
      this.parser.report(span, 'VN-SYNTAX-UNKNOWN', `Unknown statement \`${head.text}\`. Here you can write ${expected}.`);
    }
  }

  private optionalSsh(usage: string): Name | null {
    if (!isKeyword(this.peek(), 'ssh')) return null;
    this.index++;
    const target = this.take();
    if (!target) { this.missing('the SSH target after `ssh`', usage); return null; }
    return nameOf(target);
  }

  private lab(): Statement {
    const name = this.take();
    if (!name) this.missing('the lab name', 'lab NAME');
    const ssh = this.optionalSsh('lab NAME ssh USER@HOST');
    this.finish('lab NAME [ssh TARGET]');
    return { kind: 'lab', span: this.lineSpan, keyword: this.keywordSpan, name: name ? nameOf(name) : null, ssh };
  }

  private machine(): Statement {
    const name = this.take();
    if (!name) this.missing('the machine name', 'machine NAME ssh USER@HOST {');
    const ssh = this.optionalSsh('machine NAME ssh USER@HOST {');
    this.finish('machine NAME [ssh TARGET] {');
    return { kind: 'machine', span: this.lineSpan, keyword: this.keywordSpan, name: name ? nameOf(name) : null, ssh, body: null };
  }

  private rootNamespaceBlock(): Statement {
    this.finish('host {');
    return { kind: 'root-namespace', span: this.lineSpan, keyword: this.keywordSpan, name: null, body: null };
  }

  private namespace(): Statement {
    const name = this.take();
    if (!name) this.missing('the namespace name', 'namespace NAME {');
    this.finish('namespace NAME {');
    return { kind: 'namespace', span: this.lineSpan, keyword: this.keywordSpan, name: name ? nameOf(name) : null, body: null };
  }

  /** `bridge NAME`, `dummy NAME`: an interface declared by its kind's keyword; its block is read as an `interface` block. */
  private declaration(keyword: InterfaceKeyword): Statement {
    const usage = `${keyword} NAME`;
    const name = this.take();
    if (!name) this.missing(`the ${INTERFACE_KINDS[declaredKind(keyword)].label} name`, usage);
    this.finish(usage);
    return { kind: keyword, span: this.lineSpan, keyword: this.keywordSpan, name: name ? nameOf(name) : null, body: null };
  }

  private endpoint(atom: Atom): Endpoint {
    const split = splitAtom(atom, ':', 'last');
    const result: Endpoint = { span: { start: atom.start, end: atom.end }, scope: null, place: null, iface: null };
    if (!split) {
      this.parser.report(result.span, 'VN-SYNTAX-ENDPOINT', `Write a veth end as PLACE:IFNAME, e.g. \`host:${atom.text}\` or \`ns1:${atom.text}\`.`);
      result.iface = nameOf(atom);
      return result;
    }
    const [placeAtom, ifaceAtom] = split;
    if (ifaceAtom) result.iface = nameOf(ifaceAtom);
    else this.parser.report(result.span, 'VN-SYNTAX-ENDPOINT', 'Write the interface name after the ":", e.g. `ns1:veth1`.');
    if (placeAtom) {
      const scoped = splitAtom(placeAtom, '/', 'first');
      if (scoped) {
        if (scoped[0]) result.scope = nameOf(scoped[0]);
        if (scoped[1]) result.place = nameOf(scoped[1]);
        if (!scoped[0] || !scoped[1]) this.parser.report(result.span, 'VN-SYNTAX-ENDPOINT', 'Write a bridge in a namespace as NAMESPACE/BRIDGE:IFNAME.');
      } else {
        result.place = nameOf(placeAtom);
      }
    } else {
      this.parser.report(result.span, 'VN-SYNTAX-ENDPOINT', 'Write the place before the ":": `host`, a namespace or a bridge.');
    }
    return result;
  }

  private veth(): Statement {
    const usage = 'veth PLACE:IFNAME -- PLACE:IFNAME';
    const first = this.take();
    let left: Endpoint | null = null;
    let right: Endpoint | null = null;
    if (!first) {
      this.missing('the two ends of the pair', 'veth ns1:veth1 -- host:veth1-peer');
    } else {
      left = this.endpoint(first);
      const arrow = this.peek();
      if (isKeyword(arrow, '--')) {
        this.index++;
        const second = this.take();
        if (second) right = this.endpoint(second);
        else this.missing('the second end of the pair', usage);
      } else if (arrow) {
        this.parser.report({ start: arrow.start, end: arrow.end }, 'VN-SYNTAX-MISSING', 'Write `--` between the two ends of a veth pair.', [
          { title: 'Insert --', edits: [{ span: { start: arrow.start, end: arrow.start }, newText: '-- ' }] },
        ]);
        this.index++;
        right = this.endpoint(arrow);
      } else {
        this.missing('`--` and the second end of the pair', usage);
      }
    }
    this.finish(usage);
    return { kind: 'veth', span: this.lineSpan, keyword: this.keywordSpan, left, right, body: null };
  }

  /** `impair IFNAME SETTING VALUE…` in a place. */
  private impairStatement(): Statement {
    const atom = this.take();
    if (!atom) this.missing('the interface and its impairment', 'impair veth1 delay 20ms');
    return this.impairment(atom ? nameOf(atom) : null, null, this.index);
  }

  /** Settings from the atom at `from` to the end of the line: `delay 20ms jitter 5ms loss 1%`. */
  private impairment(iface: Name | null, direction: Word | null, from: number): Statement {
    this.index = from;
    const settings: ImpairSetting[] = [];
    while (this.peek()) {
      const atom = this.take()!;
      const word = bare(atom);
      const atomSpan = { start: atom.start, end: atom.end };
      if (word === null || !isImpairmentSetting(word)) {
        const guess = closest(atom.text, IMPAIRMENT_SETTINGS);
        this.parser.report(atomSpan, 'VN-SYNTAX-EXTRA', `Unexpected \`${atom.text}\` in an impairment. Its settings are ${IMPAIRMENT_SETTINGS.join(', ')}, each with a value${guess ? `; did you mean \`${guess}\`?` : '.'}`,
          guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: atomSpan, newText: guess }] }] : undefined);
        // Its value goes with it, so that one typo is one problem.
        if (this.peek() && !isImpairmentSetting(bare(this.peek()) ?? '')) this.index++;
        continue;
      }
      const value = this.peek() && !isImpairmentSetting(bare(this.peek()) ?? '') ? this.take()! : undefined;
      if (!value) this.missing(`a value after \`${word}\``, `${word} ${word === 'rate' ? '10mbit' : word === 'delay' || word === 'jitter' ? '20ms' : '1%'}`);
      settings.push({ span: { start: atom.start, end: value ? value.end : atom.end }, keyword: wordOf(atom), value: value ? wordOf(value) : null });
    }
    if (settings.length === 0 && (direction || iface)) this.missing('a setting and its value', `${direction ? direction.text : 'impair veth1'} delay 20ms`);
    return { kind: 'impair', span: this.lineSpan, keyword: this.keywordSpan, iface, direction, settings };
  }

  private address(): Statement {
    const inDeclaration = this.context === 'interface';
    let iface: Name | null = null;
    if (!inDeclaration) {
      const atom = this.take();
      if (!atom) this.missing('the interface and its address', 'address veth1 192.168.0.2/24');
      else if (!atom.quoted && looksLikeAddress(atom.text) && parseIp(atom.text.split('/')[0]) !== null) {
        this.parser.report({ start: atom.start, end: atom.end }, 'VN-SYNTAX-MISSING', `Name the interface before the address: \`address IFNAME ${atom.text}\`.`);
        this.index--;
      } else iface = nameOf(atom);
    }
    const cidrs: Word[] = [];
    while (this.peek()) cidrs.push(wordOf(this.take()!));
    if (cidrs.length === 0 && (inDeclaration || iface)) this.missing('an address with its prefix length', inDeclaration ? 'address 192.168.0.1/24' : `address ${iface?.text ?? 'veth1'} 192.168.0.2/24`);
    return { kind: 'address', span: this.lineSpan, keyword: this.keywordSpan, iface, cidrs };
  }

  private link(): Statement {
    const usage = 'link IFNAME [mtu N] [up|down]';
    const atom = this.take();
    if (!atom) this.missing('the interface name', 'link veth1 mtu 1400');
    let mtu: Word | null = null;
    let state: Word | null = null;
    while (this.peek()) {
      const next = this.peek()!;
      if (isKeyword(next, 'mtu') && mtu === null) {
        this.index++;
        const value = this.take();
        if (value) mtu = wordOf(value); else this.missing('the MTU value', 'link veth1 mtu 1400');
      } else if ((isKeyword(next, 'up') || isKeyword(next, 'down')) && state === null) {
        this.index++;
        state = wordOf(next);
      } else break;
    }
    if (atom && !mtu && !state && this.index >= this.atoms.length) this.missing('`mtu N`, `up` or `down`', usage);
    this.finish(usage);
    return { kind: 'link', span: this.lineSpan, keyword: this.keywordSpan, iface: atom ? nameOf(atom) : null, mtu, state };
  }

  private mtu(): Statement {
    const value = this.take();
    if (!value) this.missing('the MTU value', 'mtu 1500');
    this.finish('mtu N');
    return { kind: 'mtu', span: this.lineSpan, keyword: this.keywordSpan, value: value ? wordOf(value) : null };
  }

  private choice(kind: 'loopback' | 'forwarding' | 'forward-policy', values: string[], example: string): Statement {
    const atom = this.take();
    let value: Word | null = null;
    if (!atom) {
      this.missing(values.map((v) => `\`${v}\``).join(' or '), example);
    } else if (!values.includes(bare(atom) ?? '')) {
      const guess = closest(atom.text, values);
      const span = { start: atom.start, end: atom.end };
      this.parser.report(span, 'VN-SYNTAX-VALUE', `\`${kind}\` takes ${values.map((v) => `\`${v}\``).join(' or ')}, not \`${atom.text}\`.`,
        guess ? [{ title: `Change to \`${guess}\``, edits: [{ span, newText: guess }] }] : undefined);
    } else {
      value = wordOf(atom);
    }
    this.finish(`${kind} ${values.join('|')}`);
    return { kind, span: this.lineSpan, keyword: this.keywordSpan, ...(kind === 'loopback' ? { state: value } : { value }) } as Statement;
  }

  private route(): Statement {
    const usage = 'route default|CIDR [via ADDRESS] [dev IFNAME]';
    const to = this.take();
    if (!to) this.missing('the destination', 'route default via 192.168.0.1');
    let via: Word | null = null;
    let dev: Name | null = null;
    while (this.peek()) {
      const next = this.peek()!;
      if (isKeyword(next, 'via') && via === null) {
        this.index++;
        const value = this.take();
        if (value) via = wordOf(value); else this.missing('the gateway address', 'route default via 192.168.0.1');
      } else if (isKeyword(next, 'dev') && dev === null) {
        this.index++;
        const value = this.take();
        if (value) dev = nameOf(value); else this.missing('the interface name', 'route 10.0.0.0/8 dev veth1');
      } else break;
    }
    if (to && !via && !dev && this.index >= this.atoms.length) {
      this.parser.report({ start: to.start, end: to.end }, 'VN-SYNTAX-MISSING', 'A route needs a gateway or an interface: add `via ADDRESS` or `dev IFNAME`.');
    }
    this.finish(usage);
    return { kind: 'route', span: this.lineSpan, keyword: this.keywordSpan, to: to ? wordOf(to) : null, via, dev };
  }

  private nat(): Statement {
    const first = this.take();
    if (!first) {
      this.missing('a NAT rule', 'nat masquerade src 192.168.0.0/24');
      return { kind: 'nat', span: this.lineSpan, keyword: this.keywordSpan, rule: this.emptyRule() };
    }
    if (isKeyword(first, 'chain')) {
      const name = this.take();
      if (!name) this.missing('the chain name', 'nat chain NAME {');
      this.finish('nat chain NAME {');
      return { kind: 'nat-chain', span: this.lineSpan, keyword: this.keywordSpan, name: name ? nameOf(name) : null, body: null };
    }
    const rule = this.natRule(first);
    return { kind: 'nat', span: this.lineSpan, keyword: this.keywordSpan, rule };
  }

  private emptyRule(): NatRuleNode {
    return { kind: 'nat-rule', span: this.lineSpan, keyword: this.keywordSpan, action: null, chain: null, matchers: [], to: null };
  }

  private natRule(actionAtom: Atom): NatRuleNode {
    const action = bare(actionAtom);
    const actionSpan = { start: actionAtom.start, end: actionAtom.end };
    const rule: NatRuleNode = {
      kind: 'nat-rule',
      span: { start: actionAtom.start, end: this.line.end },
      keyword: actionSpan,
      action: null,
      chain: null,
      matchers: [],
      to: null,
    };
    if (action === null || !NAT_ACTIONS.includes(action)) {
      const guess = closest(actionAtom.text, NAT_ACTIONS);
      this.parser.report(actionSpan, 'VN-SYNTAX-UNKNOWN', `Unknown NAT action \`${actionAtom.text}\`. Write one of ${NAT_ACTIONS.map((a) => `\`${a}\``).join(', ')}${guess ? `; did you mean \`${guess}\`?` : '.'}`,
        guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: actionSpan, newText: guess }] }] : undefined);
      this.index = this.atoms.length;
      return rule;
    }
    rule.action = wordOf(actionAtom);
    if (action === 'jump') {
      const chain = this.take();
      if (chain) rule.chain = nameOf(chain);
      else this.missing('the chain to jump to', 'jump CHAIN');
    }
    while (this.peek()) {
      const atom = this.peek()!;
      const word = bare(atom);
      const atomSpan = { start: atom.start, end: atom.end };
      if (word !== null && word in MATCHER_WORDS) {
        this.index++;
        const { kind, negated } = MATCHER_WORDS[word];
        const value = this.take();
        if (!value) this.missing(`a value after \`${word}\``, `${word} ${kind === 'in' || kind === 'out' ? 'br0' : kind === 'proto' ? 'tcp' : '192.168.0.0/24'}`);
        rule.matchers.push({ span: { start: atom.start, end: value ? value.end : atom.end }, keyword: atomSpan, kind, negated, value: value ? nameOf(value) : null, port: null });
        continue;
      }
      if (word !== null && PORT_PROTOCOLS.has(word)) {
        this.index++;
        const portAtom = this.peek();
        const port = portAtom && /^[0-9]/.test(portAtom.text) && !portAtom.quoted ? (this.index++, wordOf(portAtom)) : null;
        rule.matchers.push({ span: { start: atom.start, end: port ? port.span.end : atom.end }, keyword: atomSpan, kind: 'proto', negated: false, value: nameOf(atom), port });
        continue;
      }
      if (word === 'to') {
        this.index++;
        const value = this.take();
        if (!value) { this.missing('where to translate to', 'to 192.168.0.2:80'); continue; }
        if (rule.to) this.parser.report({ start: atom.start, end: value.end }, 'VN-SYNTAX-EXTRA', 'A rule translates to one place only; remove the second `to`.');
        else rule.to = this.natTo(value);
        continue;
      }
      const guess = word ? closest(word, [...Object.keys(MATCHER_WORDS), ...PORT_PROTOCOLS, 'to']) : null;
      this.parser.report(atomSpan, 'VN-SYNTAX-EXTRA', `Unexpected \`${atom.text}\` in a NAT rule. Matches are src, dst, in, out (each also as not-…), proto, tcp/udp PORT and to${guess ? `; did you mean \`${guess}\`?` : '.'}`,
        guess ? [{ title: `Change to \`${guess}\``, edits: [{ span: atomSpan, newText: guess }] }] : undefined);
      this.index++;
    }
    return rule;
  }

  private natTo(atom: Atom): NatTo {
    const result: NatTo = { span: { start: atom.start, end: atom.end }, text: atom.text, namespace: null, port: null };
    if (atom.quoted) {
      const split = splitAtom(atom, ':', 'last');
      result.namespace = nameOf(split?.[0] ?? atom);
      if (split?.[1]) result.port = wordOf(split[1]);
      return result;
    }
    const text = atom.text;
    if (text.startsWith('[') || parseIp(text) !== null) return result;
    const colon = text.lastIndexOf(':');
    const host = colon < 0 ? text : text.slice(0, colon);
    // An address (with a port range or not), or IPv6 without brackets: not a namespace.
    if (parseIp(host) !== null || parseIp(host.split('-')[0]) !== null || host.includes(':')) return result;
    const split = splitAtom(atom, ':', 'last');
    result.namespace = nameOf(split?.[0] ?? atom);
    if (split?.[1]) result.port = wordOf(split[1]);
    return result;
  }
}

export function parse(text: string): VnetDocumentSyntax {
  const lexer = new Lexer(text);
  const parser = new Parser(lexer, text.length);
  const document = parser.parseDocument();
  document.comments = lexer.comments;
  document.problems = [...lexer.problems, ...parser.problems].sort((a, b) => a.start - b.start);
  return document;
}
