// Facts of iptables itself that more than one face needs: the built-in chains of each table and their
// policies. Written once here; the planner, the exporter, the language and the tree read them.

export type IptablesTable = 'filter' | 'nat' | 'mangle' | 'raw';

/** The chains each table has from the start; every other chain is a user chain. */
export const BUILTIN_CHAINS: Readonly<Record<IptablesTable, readonly string[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
};

export function isBuiltinChain(table: IptablesTable, chain: string): boolean {
  return BUILTIN_CHAINS[table].includes(chain);
}

/** What a built-in chain does with a packet no rule decided. */
export type ChainPolicy = 'ACCEPT' | 'DROP';

/**
 * Targets built into iptables or its extensions, in any table: `-j NAME` with one of these is never a jump
 * to a user chain (a user chain cannot take such a name).
 */
export const BUILTIN_TARGETS: ReadonlySet<string> = new Set([
  'ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG', 'NFLOG', 'MARK', 'CONNMARK', 'CT', 'NOTRACK', 'TRACE', 'CHECKSUM', 'TCPMSS',
  'TPROXY', 'DSCP', 'TOS', 'TTL', 'CLASSIFY', 'SET', 'NFQUEUE', 'QUEUE', 'AUDIT', 'SECMARK', 'CONNSECMARK',
  'MASQUERADE', 'SNAT', 'DNAT', 'REDIRECT', 'NETMAP',
]);
