// Many namespaces print byte-identical lines: every `lo` with its addresses and qdisc, and the kernel's
// default policy rules. The probe's parse reads each distinct such line once and lets the namespaces share
// the parsed fact, which is raw data that nothing changes afterwards (the topology is built from it into
// new objects). A thousand namespaces then cost about half the parsing. Pure.

export class LineCache {
  private readonly parsed = new Map<string, unknown>();

  /** parse(line), or what it gave for the same line before (one lookup: a parse never gives undefined). */
  of<T extends object | null>(line: string, parse: (line: string) => T): T {
    const seen = this.parsed.get(line);
    if (seen !== undefined) return seen as T;
    const value = parse(line);
    this.parsed.set(line, value);
    return value;
  }
}
