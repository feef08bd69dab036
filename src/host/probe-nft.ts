// The native nftables tables of one namespace, from either way of reading it: the Perl reader's `J` lines
// (probe-perl-nft.ts) or nft's JSON object among ip's documents (the ip method). Both end in the same
// sorted list of tables iptables-nft does not own, so that the two methods agree. Pure.

import type { NftTable } from '../model/nftables';
import { printable } from '../model/names';
import { nativeTables, parseNftJson } from './nft-json-parse';
import { parseJsonSequence } from './probe-ip-json';

export interface NamespaceNft {
  tables: NftTable[];
  /** Tables the kernel holds that could not be read, in words. */
  problems: string[];
}

function sorted(tables: NftTable[]): NftTable[] {
  return tables.sort((a, b) => (a.family < b.family ? -1 : a.family > b.family ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function fromHex(hex: string | undefined): string | null {
  if (hex === undefined || hex === '-' || !/^([0-9a-f]{2})+$/.test(hex)) return null;
  return Buffer.from(hex, 'hex').toString('utf8');
}

/** `J family name-hex exit-code json-hex` lines of the netlink reader. */
export function nftFromNetlinkLines(lines: readonly string[]): NamespaceNft {
  const documents: unknown[] = [];
  const problems: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('J ')) continue;
    const f = line.split(' ');
    if (f.length < 5) continue;
    const table = `${f[1]} ${printable(fromHex(f[2]) ?? '?')}`;
    if (f[3] === '-') problems.push(`holds the nftables table "${table}", which was not read: nft is not installed there`);
    else if (f[3] === 'unsafe') problems.push(`holds the nftables table "${table}", whose name cannot be passed to nft safely; it was not read`);
    else if (f[3] !== '0') problems.push(`holds the nftables table "${table}", which nft could not list (exit ${printable(f[3])})`);
    else {
      try {
        documents.push(JSON.parse(fromHex(f[4]) ?? ''));
      } catch (error) {
        problems.push(`holds the nftables table "${table}", whose JSON from nft does not parse (${(error as Error).message})`);
      }
    }
  }
  return { tables: sorted(nativeTables(parseNftJson(documents))), problems };
}

/** nft's `{"nftables": …}` object among the JSON documents of the ip method's section. */
export function nftFromIpJson(text: string): NamespaceNft {
  try {
    const documents = parseJsonSequence(text).filter((d) => typeof d === 'object' && d !== null && !Array.isArray(d) && 'nftables' in d);
    return { tables: sorted(nativeTables(parseNftJson(documents))), problems: [] };
  } catch {
    // parseIpJson reports JSON that does not parse, for the whole section.
    return { tables: [], problems: [] };
  }
}
