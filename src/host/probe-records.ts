// Splits the probe's output into records. A record starts with a line `@@<nonce> <kind> <args>`; the
// lines after it, up to the next record, are its body. The nonce is random per probe, so that no name,
// alias or rule comment on the host can forge a record. Pure.

import type { IptablesBackend } from '../model/topology';
import type { ProbeMethod } from './probe-script';

export interface NamespaceRecord {
  inode: number;
  /** Lines of the netlink reader (method netlink). */
  netlink: string[] | null;
  /** ip's JSON documents (method ip). */
  ipJson: string | null;
  iptables: { backend: IptablesBackend; text: string; exitCode: number | null }[];
  /** Why the namespace could not be read (it vanished meanwhile, or setns failed). */
  failure: string | null;
  /** The netlink reader could not dump part of it. */
  partial: boolean;
}

export interface ProbeRecords {
  method: Exclude<ProbeMethod, 'auto'> | null;
  tools: { nft: string | null; legacy: string | null };
  rootInode: number | null;
  /** nsfs lines of /proc/self/mountinfo, as the kernel wrote them (paths \ooo-escaped). */
  mountinfo: string[];
  /** Processes in a namespace other than the root one. */
  processes: { pid: number; inode: number }[];
  /** Body of the `holders` record: what names the containers that hold namespaces (probe-holders.ts). */
  holders: string[];
  namespaces: NamespaceRecord[];
  /** A missing tool: `{ code, tool }`. */
  fatal: { code: string; tool: string } | null;
  /** Why an earlier attempt was abandoned (the probe then started over the other way). */
  restarts: string[];
  /** The labs' state files on the host (/run/vnet/LAB.jsonl), read first: who owns which namespace. */
  labStates: { lab: string; text: string }[];
  /** The same files read again after everything else; null when the output stopped before. */
  labStatesAfter: { lab: string; text: string }[] | null;
  complete: boolean;
}

function emptyRecords(): ProbeRecords {
  return { method: null, tools: { nft: null, legacy: null }, rootInode: null, mountinfo: [], processes: [], holders: [], namespaces: [], fatal: null, restarts: [], labStates: [], labStatesAfter: null, complete: false };
}

export function splitProbeOutput(output: string, mark: string): ProbeRecords {
  const reader = new ProbeOutputReader(mark);
  for (const line of output.split('\n')) reader.line(line);
  return reader.finish();
}

/**
 * Reads the probe's output a line at a time, as it arrives. `onNamespaceLeft` is told each time the
 * output moves on from a namespace's record, so that its text can be parsed while the host still writes
 * the others' (a namespace may be left more than once: its rules come later, in an `nsrules` record).
 */
export class ProbeOutputReader {
  private readonly splitter: RecordSplitter;
  private readonly prefix: string;

  constructor(mark: string, onNamespaceLeft?: (record: NamespaceRecord) => void) {
    this.prefix = `${mark} `;
    this.splitter = new RecordSplitter(onNamespaceLeft);
  }

  line(line: string): void {
    if (line.startsWith(this.prefix)) this.splitter.record(line.slice(this.prefix.length).split(' '));
    else this.splitter.bodyLine(line);
  }

  finish(): ProbeRecords {
    return this.splitter.finish();
  }
}

type Section = 'mountinfo' | 'procs' | 'holders' | 'nl' | 'ip' | 'ipt' | 'labstate';

/** Reads the probe's output record by record: a record opens a section whose body is the lines after it. */
class RecordSplitter {
  private records = emptyRecords();
  private body: string[] | null = null;
  private section: Section | null = null;
  private labState: ProbeRecords['labStates'][number] | null = null;
  private readonly labStatesAfter: ProbeRecords['labStates'] = [];
  private current: NamespaceRecord | null = null;
  private ipt: NamespaceRecord['iptables'][number] | null = null;

  constructor(private readonly onNamespaceLeft?: (record: NamespaceRecord) => void) {}

  bodyLine(line: string): void {
    this.body?.push(line);
  }

  finish(): ProbeRecords {
    this.closeBody();
    if (this.current) this.onNamespaceLeft?.(this.current);
    return this.records;
  }

  record([kind, ...args]: string[]): void {
    this.closeBody();
    // A record that (re)opens a namespace, or starts over, ends the current one's text for now.
    if (this.current && (kind === 'ns' || kind === 'nsrules' || kind === 'nsids' || kind === 'restart')) this.onNamespaceLeft?.(this.current);
    if (this.namespaceRecord(kind, args) || this.hostRecord(kind, args)) return;
    switch (kind) {
      case 'mountinfo': case 'procs': case 'holders': case 'nl': case 'ip': this.open(kind); break;
      case 'labstate': case 'labstate-after':
        this.labState = { lab: args.join(' '), text: '' };
        (kind === 'labstate' ? this.records.labStates : this.labStatesAfter).push(this.labState);
        this.open('labstate');
        break;
      // Only a list that was read to its end counts.
      case 'labstate-after-done': this.records.labStatesAfter = this.labStatesAfter; break;
      default: break;
    }
  }

  private open(section: Section): void {
    this.section = section;
    this.body = [];
  }

  /** Records about the whole read: its tools, method, root, a restart, a fatal error, the end. */
  private hostRecord(kind: string, args: string[]): boolean {
    const records = this.records;
    switch (kind) {
      case 'restart':
        this.records = { ...emptyRecords(), tools: records.tools, restarts: [...records.restarts, args.join(' ')], labStates: records.labStates };
        this.current = null;
        this.ipt = null;
        return true;
      case 'tools':
        for (const arg of args) {
          const [key, value] = arg.split('=');
          if (key === 'nft' || key === 'legacy') records.tools[key] = value || null;
        }
        return true;
      case 'method': records.method = args[0] === 'ip' ? 'ip' : 'netlink'; return true;
      case 'root': records.rootInode = Number(args[0]); return true;
      case 'fatal': records.fatal = { code: args[0] ?? 'VN-HOST-TOOL', tool: args[1] ?? '' }; return true;
      case 'end': records.complete = true; return true;
      default: return false;
    }
  }

  /** Records about one namespace: its start, a later look at it, its failures and its iptables dumps. */
  private namespaceRecord(kind: string, args: string[]): boolean {
    switch (kind) {
      case 'ns':
        this.current = { inode: Number(args[0]), netlink: null, ipJson: null, iptables: [], failure: null, partial: false };
        this.records.namespaces.push(this.current);
        this.ipt = null;
        return true;
      // The ip method's second look at a namespace read before (the names of its nsids): more of its JSON.
      case 'nsids': this.revisit(Number(args[0]), (r) => r.ipJson !== null); return true;
      // The netlink reader's children's output for a namespace visited before (probe-perl-jobs.ts).
      case 'nsrules': this.revisit(Number(args[0]), (r) => r.netlink !== null); return true;
      case 'nlfail': if (this.current) this.current.partial = true; return true;
      case 'nsfail': if (this.current) this.current.failure = args.join(' ') || 'unknown'; return true;
      case 'ipt':
        if (this.current && (args[0] === 'nft' || args[0] === 'legacy')) {
          this.ipt = { backend: args[0], text: '', exitCode: null };
          this.current.iptables.push(this.ipt);
          this.open('ipt');
        }
        return true;
      case 'iptrc':
        if (this.ipt && this.ipt.backend === args[0]) this.ipt.exitCode = Number(args[1]);
        this.ipt = null;
        return true;
      default: return false;
    }
  }

  private revisit(inode: number, readBefore: (record: NamespaceRecord) => boolean): void {
    this.current = this.records.namespaces.find((r) => r.inode === inode && readBefore(r)) ?? null;
    this.ipt = null;
  }

  private closeBody(): void {
    const body = this.body;
    if (!body) return;
    const current = this.current;
    switch (this.section) {
      case 'mountinfo': this.records.mountinfo.push(...body.filter((l) => l.length)); break;
      case 'procs':
        for (const line of body) {
          const m = /^(\d+) (\d+)$/.exec(line.trim());
          if (m) this.records.processes.push({ pid: Number(m[1]), inode: Number(m[2]) });
        }
        break;
      case 'holders': this.records.holders.push(...body); break;
      case 'nl': if (current) current.netlink = (current.netlink ?? []).concat(body); break;
      case 'ip': if (current) current.ipJson = current.ipJson === null ? body.join('\n') : `${current.ipJson}\n${body.join('\n')}`; break;
      case 'ipt': if (this.ipt) this.ipt.text = body.join('\n'); break;
      case 'labstate': if (this.labState) this.labState.text = body.join('\n'); break;
      default: break;
    }
    this.body = null;
    this.section = null;
  }
}
