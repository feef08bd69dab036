// Parses each namespace's text as soon as the probe's output moves past it (ProbeOutputReader), so that on
// a big host the parsing overlaps the host's own reading instead of following it. The final parse
// (probe-parse.ts) takes these results while they are still current, and parses anything else then. Pure.

import { parseIptablesSave, type IptablesSaveState } from './iptables-save-parse';
import { LineCache } from './probe-line-cache';
import { parseNetlinkLines, type NetlinkNamespace } from './probe-netlink-lines';
import { nftFromNetlinkLines, type NamespaceNft } from './probe-nft';
import type { NamespaceRecord } from './probe-records';

type IptablesDump = NamespaceRecord['iptables'][number];

interface Parsed<T> {
  /** How many netlink lines the namespace had when this was parsed. */
  lines: number;
  value: T;
}

/** Lines a namespace's later sections add (its children's, in `nsrules`): nft's J lines only. */
function onlyNftLinesAfter(lines: readonly string[], from: number): boolean {
  for (let i = from; i < lines.length; i++) if (!lines[i].startsWith('J ')) return false;
  return true;
}

export class NamespaceParses {
  private readonly netlink = new WeakMap<NamespaceRecord, Parsed<NetlinkNamespace>>();
  private readonly nft = new WeakMap<NamespaceRecord, Parsed<NamespaceNft>>();
  private readonly saves = new WeakMap<IptablesDump, IptablesSaveState>();
  /** One probe's distinct lines, parsed once for all its namespaces. */
  private readonly lineCache = new LineCache();

  /** The output has moved on from this namespace's record: parse what it holds so far. */
  readonly left = (record: NamespaceRecord): void => {
    const lines = record.netlink;
    if (lines) {
      if (!this.netlink.has(record)) this.netlink.set(record, { lines: lines.length, value: parseNetlinkLines(lines, this.lineCache) });
      else this.nft.set(record, { lines: lines.length, value: nftFromNetlinkLines(lines) });
    }
    for (const dump of record.iptables) if (dump.exitCode === 0) this.iptablesSave(dump);
  };

  /** What the netlink reader said of the namespace (its `lines`, which are record.netlink). */
  netlinkState(record: NamespaceRecord, lines: readonly string[]): NetlinkNamespace {
    const parsed = this.netlink.get(record);
    if (parsed && onlyNftLinesAfter(lines, parsed.lines)) return parsed.value;
    return parseNetlinkLines(lines, this.lineCache);
  }

  nftTables(record: NamespaceRecord, lines: readonly string[]): NamespaceNft {
    const parsed = this.nft.get(record);
    return parsed && parsed.lines === lines.length ? parsed.value : nftFromNetlinkLines(lines);
  }

  iptablesSave(dump: IptablesDump): IptablesSaveState {
    let parsed = this.saves.get(dump);
    if (!parsed) {
      parsed = parseIptablesSave(dump.text, dump.backend);
      this.saves.set(dump, parsed);
    }
    return parsed;
  }
}
