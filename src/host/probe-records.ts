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
  let records = emptyRecords();
  const prefix = `${mark} `;
  let body: string[] | null = null;
  let section: 'mountinfo' | 'procs' | 'holders' | 'nl' | 'ip' | 'ipt' | 'labstate' | null = null;
  let labState: ProbeRecords['labStates'][number] | null = null;
  const labStatesAfter: ProbeRecords['labStates'] = [];
  let current: NamespaceRecord | null = null;
  let ipt: NamespaceRecord['iptables'][number] | null = null;

  const closeBody = () => {
    if (!body) return;
    if (section === 'mountinfo') records.mountinfo.push(...body.filter((l) => l.length));
    else if (section === 'procs') {
      for (const line of body) {
        const m = /^(\d+) (\d+)$/.exec(line.trim());
        if (m) records.processes.push({ pid: Number(m[1]), inode: Number(m[2]) });
      }
    } else if (section === 'holders') records.holders.push(...body);
    else if (section === 'nl' && current) current.netlink = (current.netlink ?? []).concat(body);
    else if (section === 'ip' && current) current.ipJson = current.ipJson === null ? body.join('\n') : `${current.ipJson}\n${body.join('\n')}`;
    else if (section === 'ipt' && ipt) ipt.text = body.join('\n');
    else if (section === 'labstate' && labState) labState.text = body.join('\n');
    body = null;
    section = null;
  };

  for (const line of output.split('\n')) {
    if (!line.startsWith(prefix)) {
      body?.push(line);
      continue;
    }
    closeBody();
    const [kind, ...args] = line.slice(prefix.length).split(' ');
    switch (kind) {
      case 'probe': break;
      case 'restart': {
        const restarts = [...records.restarts, args.join(' ')];
        records = { ...emptyRecords(), tools: records.tools, restarts, labStates: records.labStates };
        current = null;
        ipt = null;
        break;
      }
      case 'tools':
        for (const arg of args) {
          const [key, value] = arg.split('=');
          if (key === 'nft' || key === 'legacy') records.tools[key] = value || null;
        }
        break;
      case 'method': records.method = args[0] === 'ip' ? 'ip' : 'netlink'; break;
      case 'root': records.rootInode = Number(args[0]); break;
      case 'mountinfo': section = 'mountinfo'; body = []; break;
      case 'procs': section = 'procs'; body = []; break;
      case 'holders': section = 'holders'; body = []; break;
      case 'ns':
        current = { inode: Number(args[0]), netlink: null, ipJson: null, iptables: [], failure: null, partial: false };
        records.namespaces.push(current);
        ipt = null;
        break;
      // The ip method's second look at a namespace read before (the names of its nsids): more of its JSON.
      case 'nsids':
        current = records.namespaces.find((r) => r.inode === Number(args[0]) && r.ipJson !== null) ?? null;
        ipt = null;
        break;
      // The netlink reader's children's output for a namespace visited before (probe-perl-jobs.ts).
      case 'nsrules':
        current = records.namespaces.find((r) => r.inode === Number(args[0]) && r.netlink !== null) ?? null;
        ipt = null;
        break;
      case 'nl': section = 'nl'; body = []; break;
      case 'ip': section = 'ip'; body = []; break;
      case 'nlfail': if (current) current.partial = true; break;
      case 'nsfail': if (current) current.failure = args.join(' ') || 'unknown'; break;
      case 'ipt':
        if (current && (args[0] === 'nft' || args[0] === 'legacy')) {
          ipt = { backend: args[0], text: '', exitCode: null };
          current.iptables.push(ipt);
          section = 'ipt';
          body = [];
        }
        break;
      case 'iptrc':
        if (ipt && ipt.backend === args[0]) ipt.exitCode = Number(args[1]);
        ipt = null;
        break;
      case 'labstate':
      case 'labstate-after':
        labState = { lab: args.join(' '), text: '' };
        (kind === 'labstate' ? records.labStates : labStatesAfter).push(labState);
        section = 'labstate';
        body = [];
        break;
      case 'labstate-done': break;
      // Only a list that was read to its end counts.
      case 'labstate-after-done': records.labStatesAfter = labStatesAfter; break;
      case 'fatal': records.fatal = { code: args[0] ?? 'VN-HOST-TOOL', tool: args[1] ?? '' }; break;
      case 'end': records.complete = true; break;
      default: break;
    }
  }
  closeBody();
  return records;
}
