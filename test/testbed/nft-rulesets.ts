// Native nftables rulesets in the shapes real software writes, to load with `nft -f` inside a testbed host.
// Trimmed copies of what each writes on a fresh host with one zone / network / published port: the table
// names, families, base chains (type, hook, priority, policy) and rule forms are theirs.

import { shellQuote } from '../../src/model/shell';
import type { TestHost } from './testbed';

/**
 * firewalld 1.x (nftables backend), default zone `public` on eth0, one forward port 8080 -> 10.0.0.2:80
 * and masquerade: `table inet firewalld` with filter_* and nat_* chains; the filter hooks end in a reject.
 */
export const FIREWALLD_RULESET = `table inet firewalld {
	chain mangle_PREROUTING {
		type filter hook prerouting priority mangle + 10; policy accept;
	}
	chain nat_PREROUTING {
		type nat hook prerouting priority dstnat + 10; policy accept;
		jump nat_PREROUTING_ZONES
	}
	chain nat_PREROUTING_ZONES {
		iifname "eth0" goto nat_PRE_public
		goto nat_PRE_public
	}
	chain nat_PRE_public {
		meta nfproto ipv4 tcp dport 8080 dnat ip to 10.0.0.2:80
	}
	chain nat_POSTROUTING {
		type nat hook postrouting priority srcnat + 10; policy accept;
		jump nat_POSTROUTING_ZONES
	}
	chain nat_POSTROUTING_ZONES {
		oifname "eth0" goto nat_POST_public
		goto nat_POST_public
	}
	chain nat_POST_public {
		meta nfproto ipv4 oifname != "lo" masquerade
	}
	chain filter_INPUT {
		type filter hook input priority filter + 10; policy accept;
		ct state { established, related } accept
		ct status dnat accept
		iifname "lo" accept
		ct state invalid drop
		jump filter_INPUT_ZONES
		reject with icmpx admin-prohibited
	}
	chain filter_FORWARD {
		type filter hook forward priority filter + 10; policy accept;
		ct state { established, related } accept
		ct status dnat accept
		iifname "lo" accept
		ct state invalid drop
		ip6 daddr { ::/96, ::ffff:0.0.0.0/96 } reject with icmpv6 addr-unreachable
		jump filter_FORWARD_ZONES
		reject with icmpx admin-prohibited
	}
	chain filter_OUTPUT {
		type filter hook output priority filter + 10; policy accept;
		ct state { established, related } accept
		oifname "lo" accept
	}
	chain filter_INPUT_ZONES {
		iifname "eth0" goto filter_IN_public
		goto filter_IN_public
	}
	chain filter_FORWARD_ZONES {
		iifname "eth0" goto filter_FWD_public
		goto filter_FWD_public
	}
	chain filter_IN_public {
		meta l4proto { icmp, ipv6-icmp } accept
		tcp dport 22 accept
		ip daddr 224.0.0.251 udp dport 5353 accept
	}
	chain filter_FWD_public {
		oifname "eth0" accept
	}
}
`;

/**
 * Docker 29's nftables backend (`"firewall-backend": "nftables"`), default bridge 172.17.0.0/16 with one
 * container 172.17.0.2 publishing 8080 -> 80: `table ip docker-bridges` with its filter and nat base chains.
 */
export const DOCKER_NFT_RULESET = `table ip docker-bridges {
	map filter-forward-in-jumps {
		type ifname : verdict
		elements = { "docker0" : jump filter-forward-in__docker0 }
	}
	map filter-forward-out-jumps {
		type ifname : verdict
		elements = { "docker0" : jump filter-forward-out__docker0 }
	}
	map nat-postrouting-in-jumps {
		type ifname : verdict
		elements = { "docker0" : jump nat-postrouting-in__docker0 }
	}
	map nat-postrouting-out-jumps {
		type ifname : verdict
		elements = { "docker0" : jump nat-postrouting-out__docker0 }
	}
	chain filter-FORWARD {
		type filter hook forward priority filter; policy accept;
		oifname vmap @filter-forward-in-jumps
		iifname vmap @filter-forward-out-jumps
	}
	chain nat-OUTPUT {
		type nat hook output priority -100; policy accept;
		ip daddr != 127.0.0.0/8 fib daddr type local counter jump nat-prerouting-and-output
	}
	chain nat-POSTROUTING {
		type nat hook postrouting priority srcnat; policy accept;
		iifname vmap @nat-postrouting-in-jumps
		oifname vmap @nat-postrouting-out-jumps
	}
	chain nat-PREROUTING {
		type nat hook prerouting priority dstnat; policy accept;
		fib daddr type local counter jump nat-prerouting-and-output
	}
	chain nat-prerouting-and-output {
		iifname != "docker0" ip daddr 0.0.0.0/0 tcp dport 8080 counter dnat to 172.17.0.2:80 comment "DNAT"
	}
	chain raw-PREROUTING {
		type filter hook prerouting priority raw; policy accept;
		ip daddr 172.17.0.2 iifname != "docker0" counter drop comment "DROP DIRECT ACCESS"
	}
	chain filter-forward-in__docker0 {
		ct state established,related counter accept
		ip daddr 172.17.0.2 tcp dport 80 counter accept
		counter drop comment "DROP"
	}
	chain filter-forward-out__docker0 {
		ct state established,related counter accept
		counter accept comment "OUTGOING"
	}
	chain nat-postrouting-in__docker0 {
		ip saddr 172.17.0.0/16 ip daddr 172.17.0.0/16 counter masquerade comment "MASQ BRIDGE"
	}
	chain nat-postrouting-out__docker0 {
		oifname != "docker0" ip saddr 172.17.0.0/16 counter masquerade comment "MASQUERADE"
	}
}
`;

/** Loads a ruleset into the host's root namespace (or a named namespace of it) with `nft -f -`. */
export async function loadNftRuleset(host: TestHost, ruleset: string, namespace?: string): Promise<void> {
  const nft = namespace ? `ip netns exec ${shellQuote(namespace)} nft` : 'nft';
  await host.mustSh(`${nft} -f - <<'RULESET'\n${ruleset}RULESET\n`);
}

/** `nft -j list ruleset` of the host's root namespace (or a named namespace), parsed. */
export async function nftJson(host: TestHost, namespace?: string): Promise<{ nftables: Record<string, unknown>[] }> {
  const nft = namespace ? `ip netns exec ${shellQuote(namespace)} nft` : 'nft';
  return JSON.parse(await host.mustSh(`${nft} -j list ruleset`)) as { nftables: Record<string, unknown>[] };
}
